/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-intake-form.h: the incoming patient's intake, generated from a LOS
 * model card: a spin button with unit and limits for each numeric feature,
 * a dropdown of the card's values for each categorical one (searchable when
 * there are many), and the patient reference. Optional fields may be left
 * empty; they are then left out of the features sent. "changed" is emitted
 * whenever a value changes. */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "bb-los-card.h"

G_BEGIN_DECLS

/* More values than this get a search entry in their dropdown. */
#define BB_INTAKE_FORM_SEARCH_THRESHOLD 15

#define BB_TYPE_INTAKE_FORM (bb_intake_form_get_type ())
G_DECLARE_FINAL_TYPE (BbIntakeForm, bb_intake_form, BB, INTAKE_FORM, GtkWidget)

GtkWidget  *bb_intake_form_new             (void);
/* Builds the fields of card (NULL: none). Values of features with the same
 * name are kept, so switching between wards of one model loses nothing. */
void        bb_intake_form_set_card        (BbIntakeForm *self,
                                            BbLosCard    *card);
BbLosCard  *bb_intake_form_get_card        (BbIntakeForm *self);
guint       bb_intake_form_get_n_fields    (BbIntakeForm *self);
/* The widget of a feature's field (GtkSpinButton or GtkDropDown/AdwComboRow). */
GtkWidget  *bb_intake_form_get_field       (BbIntakeForm *self,
                                            const char   *feature);
/* {feature: value} of the fields that are filled in (new reference). */
JsonObject *bb_intake_form_get_features    (BbIntakeForm *self);
/* Sets a field from text as a data file would have it ("67", "Male");
 * NULL or "" empties it. FALSE when the feature or value is unknown. */
gboolean    bb_intake_form_set_value       (BbIntakeForm *self,
                                            const char   *feature,
                                            const char   *value);
const char *bb_intake_form_get_patient_ref (BbIntakeForm *self);
void        bb_intake_form_set_patient_ref (BbIntakeForm *self,
                                            const char   *patient_ref);
/* Marks the field the error names ("features.age: ...") as wrong, or
 * clears the marks (NULL). */
void        bb_intake_form_show_error      (BbIntakeForm *self,
                                            const char   *message);
/* Human label of a card column ("apacheadmissiondx" -> "Admission diagnosis"). */
char       *bb_intake_form_feature_label   (const char   *feature);

G_END_DECLS
