/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-enquiry-item.c: one enquiry as a list item (see bb-enquiry-item.h). */
#define G_LOG_DOMAIN "bb-enquiry-item"

#include "config.h"

#include "bb-enquiry-item.h"

#include <glib/gi18n.h>

struct _BbEnquiryItem
{
  GObject    parent_instance;

  BbEnquiry *enquiry;
};

G_DEFINE_FINAL_TYPE (BbEnquiryItem, bb_enquiry_item, G_TYPE_OBJECT)

static void
bb_enquiry_item_finalize (GObject *object)
{
  BbEnquiryItem *self = (BbEnquiryItem *) object;

  g_clear_pointer (&self->enquiry, bb_enquiry_free);

  G_OBJECT_CLASS (bb_enquiry_item_parent_class)->finalize (object);
}

static void
bb_enquiry_item_class_init (BbEnquiryItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bb_enquiry_item_finalize;
}

static void
bb_enquiry_item_init (BbEnquiryItem *self)
{
}

BbEnquiryItem *
bb_enquiry_item_new (BbEnquiry *enquiry)
{
  BbEnquiryItem *self;

  g_return_val_if_fail (enquiry != NULL, NULL);

  self = g_object_new (BB_TYPE_ENQUIRY_ITEM, NULL);
  self->enquiry = enquiry;
  return self;
}

const BbEnquiry *
bb_enquiry_item_get_record (BbEnquiryItem *self)
{
  g_return_val_if_fail (BB_IS_ENQUIRY_ITEM (self), NULL);
  return self->enquiry;
}

gint64
bb_enquiry_item_get_id (BbEnquiryItem *self)
{
  g_return_val_if_fail (BB_IS_ENQUIRY_ITEM (self), 0);
  return self->enquiry->id;
}

const char *
bb_enquiry_item_get_status (BbEnquiryItem *self)
{
  g_return_val_if_fail (BB_IS_ENQUIRY_ITEM (self), NULL);
  return self->enquiry->status;
}

const char *
bb_enquiry_status_word (const char *status)
{
  if (g_strcmp0 (status, "open") == 0)
    return _("Waiting for the desk");
  if (g_strcmp0 (status, "accepted") == 0)
    return _("Being answered");
  if (g_strcmp0 (status, "answered") == 0)
    return _("Answered");
  return status != NULL ? status : "";
}
