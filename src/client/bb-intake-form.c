/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-intake-form.c: the intake form generated from a LOS model card.
 *
 * Numeric fields are spin buttons that may be empty: their "output" shows
 * nothing until a value is given and their "input" reads an empty text as
 * "not known", so an optional feature is never sent as a made-up number. */
#define G_LOG_DOMAIN "bb-intake-form"

#include "config.h"

#include "bb-intake-form.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

typedef struct
{
  BbIntakeForm      *form;       /* unowned: the form owns the field */
  char              *name;
  BbLosFeatureType   type;
  GtkWidget         *row;
  GtkWidget         *input;      /* GtkSpinButton, GtkDropDown or the AdwComboRow */
  GtkStringList     *values;     /* categorical: what the list shows */
  gboolean           optional;   /* categorical: item 0 is "Not given" */
  gboolean           has_value;  /* numeric: something was entered */
  guint              digits;
  gboolean           updating;
} Field;

struct _BbIntakeForm
{
  GtkWidget             parent_instance;

  BbLosCard            *card;
  GPtrArray            *fields;   /* Field */

  /* template */
  GtkWidget            *box;
  AdwPreferencesGroup  *patient_group;
  AdwEntryRow          *patient_ref_row;
  AdwPreferencesGroup  *features_group;
};

G_DEFINE_FINAL_TYPE (BbIntakeForm, bb_intake_form, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *feature;
  const char *label;
} feature_labels[] = {
  { "age", N_("Age") },
  { "gender", N_("Sex") },
  { "Gender", N_("Sex") },
  { "apacheadmissiondx", N_("Admission diagnosis") },
  { "admissionheight", N_("Height") },
  { "admissionweight", N_("Weight") },
  { "hospitaladmitsource", N_("Admitted to hospital from") },
  { "hospitaladmitoffset", N_("Time from hospital admission") },
  { "unittype", N_("Unit type") },
  { "unitadmitsource", N_("Admitted to the unit from") },
  { "unitadmittime24", N_("Time of unit admission") },
  { "unitvisitnumber", N_("Unit visit number") },
  { "unitstaytype", N_("Unit stay type") },
  { "Emergency.Department.Indicator", N_("Came through the emergency department") },
  { "CCSR.Diagnosis.Code", N_("Diagnosis (CCSR code)") },
  { "deathrisk", N_("Risk of mortality") },
  { "Hospital.Service.Area", N_("Health service area") },
  { "Hospital.County", N_("County") },
};

static void
field_free (Field *field)
{
  g_free (field->name);
  g_clear_object (&field->values);
  g_free (field);
}

static Field *
find_field (BbIntakeForm *self,
            const char   *name)
{
  for (guint i = 0; self->fields != NULL && i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (field->name, name) == 0)
        return field;
    }
  return NULL;
}

static void
emit_changed (BbIntakeForm *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- numeric fields ---- */

static char *
format_number (Field  *field,
               double  value)
{
  return g_strdup_printf ("%.*f", (int) field->digits, value);
}

static gboolean
on_spin_output_cb (GtkSpinButton *spin,
                   Field         *field)
{
  g_autofree char *text = NULL;

  if (!field->has_value)
    {
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), "") != 0)
        gtk_editable_set_text (GTK_EDITABLE (spin), "");
      return TRUE;
    }
  text = format_number (field, gtk_spin_button_get_value (spin));
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_spin_input_cb (GtkSpinButton *spin,
                  double        *new_value,
                  Field         *field)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  char *end = NULL;
  double value;
  gboolean had = field->has_value;

  if (*text == '\0')
    {
      field->has_value = FALSE;
      *new_value = gtk_spin_button_get_value (spin);
      if (had)
        emit_changed (field->form);
      return TRUE;
    }
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    {
      /* Accept the locale's decimal comma too. */
      value = g_strtod (text, &end);
      if (end == text || *end != '\0' || !isfinite (value))
        return GTK_INPUT_ERROR;
    }
  field->has_value = TRUE;
  *new_value = value;
  if (!had)
    emit_changed (field->form);
  return TRUE;
}

static void
on_spin_value_changed_cb (GtkSpinButton *spin,
                          Field         *field)
{
  if (field->updating)
    return;
  /* A press on + or − gives an empty field a value. */
  if (!field->has_value)
    {
      field->has_value = TRUE;
      on_spin_output_cb (spin, field);
    }
  emit_changed (field->form);
}

/* A card's limit as people write it: no "1e+06". */
static char *
format_limit (double value)
{
  if (value == floor (value) && fabs (value) < 1e12)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%g", value);
}

/* A card's unit in the reader's language: the units the shipped cards use
 * are translated; any other is shown as the card writes it. */
static const char *
unit_display_name (const char *unit)
{
  if (g_strcmp0 (unit, "years") == 0)
    return C_("unit", "years");
  if (g_strcmp0 (unit, "kg") == 0)
    return C_("unit", "kg");
  if (g_strcmp0 (unit, "cm") == 0)
    return C_("unit", "cm");
  if (g_strcmp0 (unit, "minutes") == 0)
    return C_("unit", "minutes");
  if (g_strcmp0 (unit, "hours") == 0)
    return C_("unit", "hours");
  if (g_strcmp0 (unit, "days") == 0)
    return C_("unit", "days");
  if (g_strcmp0 (unit, "count") == 0)
    return C_("unit", "count");
  return unit;
}

static GtkWidget *
make_numeric_row (Field              *field,
                  const BbLosFeature *feature,
                  const char         *label)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin;
  double min = isnan (feature->min) ? -1e7 : feature->min;
  double max = isnan (feature->max) ? 1e7 : feature->max;
  double step = 1;
  g_autofree char *subtitle = NULL;

  field->digits = 0;
  if (feature->transform == BB_LOS_TRANSFORM_TIME_OF_DAY)
    {
      /* Hours since midnight; 24 is tomorrow's 0. */
      field->digits = 2;
      step = 0.25;
      max = MIN (max, 23.99);
    }
  else if (g_strcmp0 (feature->unit, "kg") == 0 || g_strcmp0 (feature->unit, "cm") == 0)
    field->digits = 1;

  spin = gtk_spin_button_new_with_range (min, max, step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), field->digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), CLAMP (0, min, max));
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (spin, "output", G_CALLBACK (on_spin_output_cb), field);
  g_signal_connect (spin, "input", G_CALLBACK (on_spin_input_cb), field);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_value_changed_cb), field);
  on_spin_output_cb (GTK_SPIN_BUTTON (spin), field);

  if (feature->transform == BB_LOS_TRANSFORM_TIME_OF_DAY)
    subtitle = g_strdup (_("hours since midnight, 0–24"));
  else if (feature->unit != NULL && !isnan (feature->min) && !isnan (feature->max))
    {
      g_autofree char *low = format_limit (feature->min);
      g_autofree char *high = format_limit (feature->max);

      /* Translators: a unit and a range, e.g. "years, 0 to 120". */
      subtitle = g_strdup_printf (_("%s, %s to %s"), unit_display_name (feature->unit), low, high);
    }
  else if (feature->unit != NULL)
    subtitle = g_strdup (unit_display_name (feature->unit));
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  field->input = spin;
  return row;
}

/* ---- categorical fields ---- */

static int
compare_values (gconstpointer a,
                gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

static void
on_selected_cb (GObject    *object,
                GParamSpec *pspec,
                Field      *field)
{
  if (!field->updating)
    emit_changed (field->form);
}

static GtkWidget *
make_categorical_row (Field              *field,
                      const BbLosFeature *feature,
                      const char         *label)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GtkExpression) expression = NULL;
  GtkWidget *row;

  /* The card orders values by mean stay; people look for them by name. */
  for (guint i = 0; i < feature->n_values; i++)
    g_ptr_array_add (sorted, feature->values[i]);
  g_ptr_array_sort (sorted, compare_values);
  field->values = gtk_string_list_new (NULL);
  field->optional = !feature->required;
  if (field->optional)
    gtk_string_list_append (field->values, _("Not given"));
  for (guint i = 0; i < sorted->len; i++)
    gtk_string_list_append (field->values, g_ptr_array_index (sorted, i));

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  if (feature->n_values > BB_INTAKE_FORM_SEARCH_THRESHOLD)
    {
      GtkWidget *dropdown;
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u value, type to search",
                                                                "%u values, type to search",
                                                                feature->n_values),
                                                   feature->n_values);

      row = adw_action_row_new ();
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      dropdown = gtk_drop_down_new (g_object_ref (G_LIST_MODEL (field->values)),
                                    gtk_expression_ref (expression));
      gtk_drop_down_set_enable_search (GTK_DROP_DOWN (dropdown), TRUE);
      gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
      gtk_widget_set_hexpand (dropdown, FALSE);
      gtk_widget_set_size_request (dropdown, 220, -1);
      gtk_widget_add_css_class (dropdown, "intake-dropdown");
      gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), dropdown);
      field->input = dropdown;
    }
  else
    {
      row = adw_combo_row_new ();
      adw_combo_row_set_expression (ADW_COMBO_ROW (row), expression);
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (field->values));
      field->input = row;
    }
  g_signal_connect (field->input, "notify::selected", G_CALLBACK (on_selected_cb), field);
  return row;
}

static guint
categorical_position (Field      *field,
                      const char *value)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (field->values));

  for (guint i = field->optional ? 1 : 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (field->values, i), value) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static const char *
categorical_value (Field *field)
{
  guint selected = GTK_INVALID_LIST_POSITION;

  g_object_get (field->input, "selected", &selected, NULL);
  if (selected == GTK_INVALID_LIST_POSITION || (field->optional && selected == 0))
    return NULL;
  return gtk_string_list_get_string (field->values, selected);
}

/* ---- GObject ---- */

static void
bb_intake_form_dispose (GObject *object)
{
  BbIntakeForm *self = (BbIntakeForm *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), BB_TYPE_INTAKE_FORM);
  /* The template's root has no id, so it is not one of the template
   * children that dispose_template unparents. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_object (&self->card);

  G_OBJECT_CLASS (bb_intake_form_parent_class)->dispose (object);
}

static void
on_patient_ref_changed_cb (BbIntakeForm *self)
{
  emit_changed (self);
}

static void
bb_intake_form_class_init (BbIntakeFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bb_intake_form_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedboard/Bedboard/bb-intake-form.ui");
  gtk_widget_class_bind_template_child (widget_class, BbIntakeForm, box);
  gtk_widget_class_bind_template_child (widget_class, BbIntakeForm, patient_group);
  gtk_widget_class_bind_template_child (widget_class, BbIntakeForm, patient_ref_row);
  gtk_widget_class_bind_template_child (widget_class, BbIntakeForm, features_group);
  gtk_widget_class_bind_template_callback (widget_class, on_patient_ref_changed_cb);
}

static void
bb_intake_form_init (BbIntakeForm *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ---- public ---- */

GtkWidget *
bb_intake_form_new (void)
{
  return g_object_new (BB_TYPE_INTAKE_FORM, NULL);
}

char *
bb_intake_form_feature_label (const char *feature)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (feature != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (feature_labels); i++)
    if (strcmp (feature_labels[i].feature, feature) == 0)
      return g_strdup (_(feature_labels[i].label));
  /* A card column nobody named yet: make it readable. */
  text = g_strdup (feature);
  g_strdelimit (text, "._", ' ');
  if (text[0] != '\0')
    text[0] = g_ascii_toupper (text[0]);
  return g_steal_pointer (&text);
}

void
bb_intake_form_set_card (BbIntakeForm *self,
                         BbLosCard    *card)
{
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *description = NULL;
  guint nf;

  g_return_if_fail (BB_IS_INTAKE_FORM (self));
  g_return_if_fail (card == NULL || BB_IS_LOS_CARD (card));

  if (card == self->card)
    return;

  /* Keep what was entered, by feature name. */
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->type == BB_LOS_FEATURE_CATEGORICAL)
        {
          const char *value = categorical_value (field);

          if (value != NULL)
            g_hash_table_insert (kept, g_strdup (field->name), g_strdup (value));
        }
      else if (field->has_value)
        {
          gtk_spin_button_update (GTK_SPIN_BUTTON (field->input));
          if (field->has_value)
            g_hash_table_insert (kept, g_strdup (field->name),
                                 format_number (field, gtk_spin_button_get_value (GTK_SPIN_BUTTON (field->input))));
        }
      adw_preferences_group_remove (self->features_group, field->row);
    }
  g_ptr_array_set_size (self->fields, 0);
  g_set_object (&self->card, card);

  if (card == NULL)
    {
      adw_preferences_group_set_description (self->features_group, NULL);
      emit_changed (self);
      return;
    }

  nf = bb_los_card_get_n_features (card);
  for (guint j = 0; j < nf; j++)
    {
      const BbLosFeature *feature = bb_los_card_get_feature (card, j);
      g_autofree char *label = bb_intake_form_feature_label (feature->name);
      Field *field = g_new0 (Field, 1);
      const char *value;

      field->form = self;
      field->name = g_strdup (feature->name);
      field->type = feature->type;
      g_ptr_array_add (self->fields, field);
      field->updating = TRUE;
      if (feature->type == BB_LOS_FEATURE_NUMERIC)
        field->row = make_numeric_row (field, feature, label);
      else
        field->row = make_categorical_row (field, feature, label);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), label);
      gtk_widget_set_tooltip_text (field->row, feature->name);
      adw_preferences_group_add (self->features_group, field->row);
      field->updating = FALSE;

      if ((value = g_hash_table_lookup (kept, feature->name)) != NULL)
        bb_intake_form_set_value (self, feature->name, value);
    }

  /* Translators: a model's name and version, e.g. "icu-los version 1". */
  description = g_strdup_printf (_("Built from the %s model card, version %s. Leave a field empty when it is not known."),
                                 bb_los_card_get_name (card), bb_los_card_get_version (card));
  adw_preferences_group_set_description (self->features_group, description);
  emit_changed (self);
}

BbLosCard *
bb_intake_form_get_card (BbIntakeForm *self)
{
  g_return_val_if_fail (BB_IS_INTAKE_FORM (self), NULL);
  return self->card;
}

guint
bb_intake_form_get_n_fields (BbIntakeForm *self)
{
  g_return_val_if_fail (BB_IS_INTAKE_FORM (self), 0);
  return self->fields->len;
}

GtkWidget *
bb_intake_form_get_field (BbIntakeForm *self,
                          const char   *feature)
{
  Field *field;

  g_return_val_if_fail (BB_IS_INTAKE_FORM (self), NULL);

  field = find_field (self, feature);
  return field != NULL ? field->input : NULL;
}

JsonObject *
bb_intake_form_get_features (BbIntakeForm *self)
{
  JsonObject *features;

  g_return_val_if_fail (BB_IS_INTAKE_FORM (self), NULL);

  features = json_object_new ();
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->type == BB_LOS_FEATURE_CATEGORICAL)
        {
          const char *value = categorical_value (field);

          if (value != NULL)
            json_object_set_string_member (features, field->name, value);
        }
      else
        {
          /* Take in what is typed but not yet committed. */
          if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (field->input)), "") != 0 || field->has_value)
            gtk_spin_button_update (GTK_SPIN_BUTTON (field->input));
          if (field->has_value)
            {
              double value = gtk_spin_button_get_value (GTK_SPIN_BUTTON (field->input));

              if (field->digits == 0)
                json_object_set_int_member (features, field->name, (gint64) llround (value));
              else
                json_object_set_double_member (features, field->name, value);
            }
        }
    }
  return features;
}

gboolean
bb_intake_form_set_value (BbIntakeForm *self,
                          const char   *feature,
                          const char   *value)
{
  Field *field;

  g_return_val_if_fail (BB_IS_INTAKE_FORM (self), FALSE);
  g_return_val_if_fail (feature != NULL, FALSE);

  field = find_field (self, feature);
  if (field == NULL)
    return FALSE;

  if (field->type == BB_LOS_FEATURE_CATEGORICAL)
    {
      guint position;

      if (value == NULL || *value == '\0')
        {
          if (!field->optional)
            return FALSE;
          position = 0;
        }
      else if ((position = categorical_position (field, value)) == GTK_INVALID_LIST_POSITION)
        return FALSE;
      g_object_set (field->input, "selected", position, NULL);
      return TRUE;
    }
  else
    {
      GtkSpinButton *spin = GTK_SPIN_BUTTON (field->input);
      char *end = NULL;
      double number;

      if (value == NULL || *value == '\0')
        {
          gboolean had = field->has_value;

          field->has_value = FALSE;
          on_spin_output_cb (spin, field);
          if (had)
            emit_changed (self);
          return TRUE;
        }
      number = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0' || !isfinite (number))
        return FALSE;
      field->has_value = TRUE;
      field->updating = TRUE;
      gtk_spin_button_set_value (spin, number);
      field->updating = FALSE;
      on_spin_output_cb (spin, field);
      emit_changed (self);
      return TRUE;
    }
}

const char *
bb_intake_form_get_patient_ref (BbIntakeForm *self)
{
  g_return_val_if_fail (BB_IS_INTAKE_FORM (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->patient_ref_row));
}

void
bb_intake_form_set_patient_ref (BbIntakeForm *self,
                                const char   *patient_ref)
{
  g_return_if_fail (BB_IS_INTAKE_FORM (self));
  gtk_editable_set_text (GTK_EDITABLE (self->patient_ref_row), patient_ref != NULL ? patient_ref : "");
}

void
bb_intake_form_show_error (BbIntakeForm *self,
                           const char   *message)
{
  g_autofree char *name = NULL;
  const char *start;
  const char *colon;

  g_return_if_fail (BB_IS_INTAKE_FORM (self));

  if (message != NULL && (start = strstr (message, "features.")) != NULL &&
      (colon = strchr (start, ':')) != NULL)
    name = g_strndup (start + strlen ("features."), colon - start - strlen ("features."));

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (name != NULL && g_strcmp0 (field->name, name) == 0)
        gtk_widget_add_css_class (field->row, "error");
      else
        gtk_widget_remove_css_class (field->row, "error");
    }
  if (message != NULL && strstr (message, "patient_ref") != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->patient_ref_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->patient_ref_row), "error");
}
