/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-hospital-item.c: one hospital with its counts and wards, changed in
 * place as answers and live events arrive. */
#define G_LOG_DOMAIN "bb-hospital-item"

#include "config.h"

#include "bb-hospital-item.h"

#include "bb-item-sync.h"
#include "bb-ward-item.h"

struct _BbHospitalItem
{
  GObject     parent_instance;
  BbHospital  hospital;
  GListStore *wards;
  gboolean    has_wards;
};

G_DEFINE_FINAL_TYPE (BbHospitalItem, bb_hospital_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_ADDRESS,
  PROP_PHONE,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_UPDATED_AT,
  PROP_DISTANCE_KM,
  PROP_TOTAL,
  PROP_FREE,
  PROP_OCCUPIED,
  PROP_RESERVED,
  PROP_CLEANING,
  PROP_CLOSED,
  PROP_WARDS,
  PROP_HAS_WARDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
notify (BbHospitalItem *self,
        guint           prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
set_string (BbHospitalItem  *self,
            char           **field,
            const char      *value,
            guint            prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  notify (self, prop);
  return TRUE;
}

static gboolean
set_double (BbHospitalItem *self,
            double         *field,
            double          value,
            guint           prop)
{
  if (*field == value)
    return FALSE;
  *field = value;
  notify (self, prop);
  return TRUE;
}

static gboolean
set_counts (BbHospitalItem    *self,
            const BbBedCounts *beds)
{
  return bb_item_sync_counts (G_OBJECT (self), &self->hospital.beds, beds,
                              properties[PROP_TOTAL], properties[PROP_FREE],
                              properties[PROP_OCCUPIED], properties[PROP_RESERVED],
                              properties[PROP_CLEANING], properties[PROP_CLOSED]);
}

static void
bb_hospital_item_finalize (GObject *object)
{
  BbHospitalItem *self = (BbHospitalItem *) object;

  g_free (self->hospital.name);
  g_free (self->hospital.address);
  g_free (self->hospital.phone);
  g_clear_object (&self->wards);

  G_OBJECT_CLASS (bb_hospital_item_parent_class)->finalize (object);
}

static void
bb_hospital_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BbHospitalItem *self = BB_HOSPITAL_ITEM (object);
  const BbHospital *h = &self->hospital;

  switch (prop_id)
    {
    case PROP_ID: g_value_set_int64 (value, h->id); break;
    case PROP_NAME: g_value_set_string (value, h->name); break;
    case PROP_ADDRESS: g_value_set_string (value, h->address); break;
    case PROP_PHONE: g_value_set_string (value, h->phone); break;
    case PROP_LATITUDE: g_value_set_double (value, h->latitude); break;
    case PROP_LONGITUDE: g_value_set_double (value, h->longitude); break;
    case PROP_UPDATED_AT: g_value_set_int64 (value, h->updated_at); break;
    case PROP_DISTANCE_KM: g_value_set_double (value, h->distance_km); break;
    case PROP_TOTAL: g_value_set_uint (value, h->beds.total); break;
    case PROP_FREE: g_value_set_uint (value, h->beds.free); break;
    case PROP_OCCUPIED: g_value_set_uint (value, h->beds.occupied); break;
    case PROP_RESERVED: g_value_set_uint (value, h->beds.reserved); break;
    case PROP_CLEANING: g_value_set_uint (value, h->beds.cleaning); break;
    case PROP_CLOSED: g_value_set_uint (value, h->beds.closed); break;
    case PROP_WARDS: g_value_set_object (value, self->wards); break;
    case PROP_HAS_WARDS: g_value_set_boolean (value, self->has_wards); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bb_hospital_item_class_init (BbHospitalItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = bb_hospital_item_finalize;
  object_class->get_property = bb_hospital_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_PHONE] = g_param_spec_string ("phone", NULL, NULL, NULL, flags);
  properties[PROP_LATITUDE] = g_param_spec_double ("latitude", NULL, NULL, -90, 90, 0, flags);
  properties[PROP_LONGITUDE] = g_param_spec_double ("longitude", NULL, NULL, -180, 180, 0, flags);
  properties[PROP_UPDATED_AT] = g_param_spec_int64 ("updated-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_DISTANCE_KM] = g_param_spec_double ("distance-km", NULL, NULL, -1, G_MAXDOUBLE, -1, flags);
  properties[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FREE] = g_param_spec_uint ("free", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_OCCUPIED] = g_param_spec_uint ("occupied", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RESERVED] = g_param_spec_uint ("reserved", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CLEANING] = g_param_spec_uint ("cleaning", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CLOSED] = g_param_spec_uint ("closed", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_WARDS] = g_param_spec_object ("wards", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  properties[PROP_HAS_WARDS] = g_param_spec_boolean ("has-wards", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bb_hospital_item_init (BbHospitalItem *self)
{
  self->wards = g_list_store_new (BB_TYPE_WARD_ITEM);
  self->hospital.distance_km = -1;
}

BbHospitalItem *
bb_hospital_item_new (const BbHospital *hospital)
{
  BbHospitalItem *self;

  g_return_val_if_fail (hospital != NULL, NULL);

  self = g_object_new (BB_TYPE_HOSPITAL_ITEM, NULL);
  self->hospital.id = hospital->id;
  bb_hospital_item_update (self, hospital);
  return self;
}

gboolean
bb_hospital_item_update (BbHospitalItem   *self,
                         const BbHospital *hospital)
{
  BbHospital *h;
  gboolean changed = FALSE;

  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), FALSE);
  g_return_val_if_fail (hospital != NULL && hospital->id == self->hospital.id, FALSE);

  h = &self->hospital;
  g_object_freeze_notify (G_OBJECT (self));
  changed |= set_string (self, &h->name, hospital->name, PROP_NAME);
  changed |= set_string (self, &h->address, hospital->address, PROP_ADDRESS);
  changed |= set_string (self, &h->phone, hospital->phone, PROP_PHONE);
  changed |= set_double (self, &h->latitude, hospital->latitude, PROP_LATITUDE);
  changed |= set_double (self, &h->longitude, hospital->longitude, PROP_LONGITUDE);
  changed |= set_double (self, &h->distance_km, hospital->distance_km, PROP_DISTANCE_KM);
  if (h->updated_at != hospital->updated_at)
    {
      h->updated_at = hospital->updated_at;
      notify (self, PROP_UPDATED_AT);
      changed = TRUE;
    }
  changed |= set_counts (self, &hospital->beds);
  g_object_thaw_notify (G_OBJECT (self));
  return changed;
}

const BbHospital *
bb_hospital_item_get_record (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);
  return &self->hospital;
}

gint64
bb_hospital_item_get_id (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), 0);
  return self->hospital.id;
}

const char *
bb_hospital_item_get_name (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);
  return self->hospital.name;
}

const char *
bb_hospital_item_get_address (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);
  return self->hospital.address;
}

const char *
bb_hospital_item_get_phone (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);
  return self->hospital.phone;
}

double
bb_hospital_item_get_latitude (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), 0);
  return self->hospital.latitude;
}

double
bb_hospital_item_get_longitude (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), 0);
  return self->hospital.longitude;
}

gint64
bb_hospital_item_get_updated_at (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), 0);
  return self->hospital.updated_at;
}

double
bb_hospital_item_get_distance_km (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), -1);
  return self->hospital.distance_km;
}

const BbBedCounts *
bb_hospital_item_get_beds (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);
  return &self->hospital.beds;
}

guint
bb_hospital_item_get_free (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), 0);
  return self->hospital.beds.free;
}

guint
bb_hospital_item_get_total (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), 0);
  return self->hospital.beds.total;
}

GListModel *
bb_hospital_item_get_wards (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);
  return G_LIST_MODEL (self->wards);
}

gboolean
bb_hospital_item_get_has_wards (BbHospitalItem *self)
{
  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), FALSE);
  return self->has_wards;
}

BbWardItem *
bb_hospital_item_find_ward (BbHospitalItem *self,
                            gint64          ward_id,
                            guint          *out_position)
{
  guint n;

  g_return_val_if_fail (BB_IS_HOSPITAL_ITEM (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->wards));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BbWardItem) ward = g_list_model_get_item (G_LIST_MODEL (self->wards), i);

      if (bb_ward_item_get_id (ward) == ward_id)
        {
          if (out_position != NULL)
            *out_position = i;
          return ward; /* the store holds it */
        }
    }
  return NULL;
}

static gint64
ward_id (gconstpointer record)
{
  return ((const BbWard *) record)->id;
}

static const BbItemSyncFuncs ward_sync = {
  (gint64 (*) (gpointer)) bb_ward_item_get_id,
  ward_id,
  (gboolean (*) (gpointer, gconstpointer)) bb_ward_item_update,
  (gpointer (*) (gconstpointer)) bb_ward_item_new,
};

void
bb_hospital_item_set_wards (BbHospitalItem *self,
                            GPtrArray      *wards)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (BB_IS_HOSPITAL_ITEM (self));
  g_return_if_fail (wards != NULL);

  /* Same wards in the same order (the usual case) are updated in place.
   * When wards were added or removed (rare: an admin changed the hospital)
   * the items of wards that stay are kept so rows bound to them live on. */
  items = bb_item_sync_merge (G_LIST_MODEL (self->wards), wards, &ward_sync);
  if (items != NULL)
    g_list_store_splice (self->wards, 0, g_list_model_get_n_items (G_LIST_MODEL (self->wards)),
                         items->pdata, items->len);

  if (!self->has_wards)
    {
      self->has_wards = TRUE;
      notify (self, PROP_HAS_WARDS);
    }
}

guint *
bb_bed_counts_slot (BbBedCounts *counts,
                    BbBedStatus  status,
                    gboolean     reserved)
{
  g_return_val_if_fail (counts != NULL, NULL);

  if (reserved)
    return &counts->reserved;
  switch (status)
    {
    case BB_BED_STATUS_UNOCCUPIED: return &counts->free;
    case BB_BED_STATUS_OCCUPIED: return &counts->occupied;
    case BB_BED_STATUS_HOUSEKEEPING:
    case BB_BED_STATUS_CONTAMINATED: return &counts->cleaning;
    case BB_BED_STATUS_CLOSED:
    case BB_BED_STATUS_ISOLATED: return &counts->closed;
    default: return NULL;
    }
}

static void
move_in_counts (BbBedCounts *counts,
                BbBedStatus  old_status,
                gboolean     old_reserved,
                BbBedStatus  new_status,
                gboolean     new_reserved)
{
  guint *from = bb_bed_counts_slot (counts, old_status, old_reserved);
  guint *to = bb_bed_counts_slot (counts, new_status, new_reserved);

  if (from == NULL || to == NULL || from == to)
    return;
  /* Counts from an older answer may already include the change. */
  if (*from > 0)
    *from -= 1;
  *to += 1;
}

void
bb_hospital_item_move_bed (BbHospitalItem *self,
                           gint64          ward_id,
                           BbBedStatus     old_status,
                           gboolean        old_reserved,
                           BbBedStatus     new_status,
                           gboolean        new_reserved,
                           gint64          at)
{
  BbBedCounts beds;
  BbWardItem *ward;

  g_return_if_fail (BB_IS_HOSPITAL_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  beds = self->hospital.beds;
  move_in_counts (&beds, old_status, old_reserved, new_status, new_reserved);
  set_counts (self, &beds);
  if (at > self->hospital.updated_at)
    {
      self->hospital.updated_at = at;
      notify (self, PROP_UPDATED_AT);
    }

  ward = bb_hospital_item_find_ward (self, ward_id, NULL);
  if (ward != NULL)
    {
      guint position = 0;

      beds = *bb_ward_item_get_beds (ward);
      move_in_counts (&beds, old_status, old_reserved, new_status, new_reserved);
      bb_ward_item_set_beds (ward, &beds);
      bb_hospital_item_find_ward (self, ward_id, &position);
      g_list_model_items_changed (G_LIST_MODEL (self->wards), position, 1, 1);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
