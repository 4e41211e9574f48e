"use client";

import { useActionState, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/ui";
import { SETTING_FORM_FIELDS } from "@/lib/competitions/competition-settings";
import {
  SETTING_OPTIONS,
  SUBMISSION_KIND_OPTIONS,
  type WALL_TIME_SETTINGS,
  checkSettingsForm,
  describeSettingsError,
  settingLabel,
  type SettingName,
  type SettingsFormError,
  type SettingsFormState,
  type SettingsFormValues,
} from "@/lib/competitions/settings-form";
import { formatTime } from "@/lib/time/format-time";
import { isKnownTimeZone, wallTimeToInstant } from "@/lib/time/zoned-wall-time";

type Values = Required<SettingsFormValues>;

interface Props {
  slug: string;
  /** The saved settings as the form shows them (lib/competitions/settings-form.ts settingsFormValues). */
  initial: Values;
  /** The saved times as ISO instants: an untouched picker posts its instant exactly (a wall time daylight saving repeats is ambiguous). */
  savedTimes: Record<(typeof WALL_TIME_SETTINGS)[number], string | null>;
  /** The zones to offer (lib/time/time-zone-names.ts), listed on the server so the page renders the same in both. */
  timeZones: string[];
  /** Whether any entry exists: then changing what scores mean needs the rescore box. */
  anySubmissions: boolean;
  action: (state: SettingsFormState, form: FormData) => Promise<SettingsFormState>;
}

const NOT_SAVED: SettingsFormState = { ok: true, errors: [], values: null };
const FIELDS = new Map<SettingName, { label: string; hint?: string }>(SETTING_FORM_FIELDS.map((field) => [field.name, field]));
const GROUPS = [...new Set(SETTING_FORM_FIELDS.map((field) => field.group))];
const GROUP_HINTS: Record<string, string> = {
  Scoring: "These decide what a score means: once entries are scored, changing one needs the rescore box below.",
};
/** Settings given the form's whole width (the time zone so that start and end sit side by side under it). */
const WIDE_SETTINGS = new Set<SettingName>(["title", "timeZone", "weights"]);
const fieldId = (name: SettingName) => `settings-${name}`;
const hintOf = (name: SettingName) => FIELDS.get(name)?.hint ?? (name === "description" || name === "rules" ? "Markdown" : undefined);
/** A control's classes: the site's input, red-edged while its value is refused. */
const controlClass = (error: string | undefined, base = inputClass) => (error ? base.replace("border-slate-300", "border-red-600").replace("focus:border-podium-500", "focus:border-red-600").replace("focus:ring-podium-100", "focus:ring-red-100") : base);
const pickerClass = inputClass.replace("block w-full", "min-w-0 flex-1 basis-52");

/**
 * The organizer's settings form: a control per setting (zone select, date-time pickers in the competition's zone,
 * toggles, selects, number fields), checked as typed with the same code the server runs. A failed save keeps what was
 * typed and lists every error; a saved one reloads the dashboard with its notice.
 */
export function CompetitionSettingsForm({ slug, initial, savedTimes, timeZones, anySubmissions, action }: Props) {
  const [state, formAction, pending] = useActionState(action, NOT_SAVED);
  // Without JavaScript a failed save renders the page afresh with the returned state: start from what was typed.
  const [values, setValues] = useState<Values>(() => ({ ...initial, ...state.values }));
  const [confirmRescore, setConfirmRescore] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<SettingName>>(new Set());
  // A returned state (a failed save) re-mounts the form with what was typed: React resets a form after its action.
  const [shown, setShown] = useState(state);
  const [attempt, setAttempt] = useState(0);
  if (state !== shown) {
    setShown(state);
    if (state.values) setValues((current) => ({ ...current, ...state.values }));
    setAttempt(attempt + 1);
  }
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (attempt > 0 && !state.ok) summary.current?.focus();
  }, [attempt, state.ok]);

  const live = useMemo(() => {
    const checked = checkSettingsForm(values);
    return checked.ok ? [] : checked.errors;
  }, [values]);
  const submitted = attempt > 0 || !state.ok;
  const errorOf = (name: SettingName) => (submitted || touched.has(name) ? live.find((error) => error.field === name)?.message : undefined);
  const set = (name: SettingName) => (value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setTouched((current) => (current.has(name) ? current : new Set(current).add(name)));
  };
  const zone = isKnownTimeZone(values.timeZone) ? values.timeZone : null;
  // After a failed save: the save's own refusals (a rescore not confirmed) and every field problem still open.
  const listed: SettingsFormError[] = state.ok ? [] : [...state.errors.filter((error) => error.field === null), ...(live.length > 0 ? live : state.errors.filter((error) => error.field !== null && !touched.has(error.field)))];

  const control = (name: SettingName): ReactNode => {
    const error = errorOf(name);
    const common = { id: fieldId(name), name, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy(name, !!error) };
    const text = (extra: Record<string, unknown> = {}) => (
      <input {...common} {...extra} value={values[name]} onChange={(event) => set(name)(event.target.value)} className={controlClass(error)} />
    );
    switch (name) {
      case "timeZone":
        return (
          <Labelled name={name} error={error}>
            <select {...common} value={values.timeZone} onChange={(event) => set(name)(event.target.value)} className={`${controlClass(error)} sm:max-w-xs`}>
              {(timeZones.includes(values.timeZone) ? timeZones : [values.timeZone, ...timeZones]).map((option) => (
                <option key={option} value={option}>
                  {option.replaceAll("_", " ")}
                </option>
              ))}
            </select>
          </Labelled>
        );
      case "startsAt":
      case "endsAt":
      case "freezeAt": {
        const saved = savedTimes[name];
        const untouched = saved !== null && values[name] === initial[name] && values.timeZone === initial.timeZone;
        return (
          <Labelled name={name} error={error} extra={<WallTimePreview id={`${fieldId(name)}-preview`} value={values[name]} zone={zone} />}>
            <div className="flex flex-wrap items-center gap-2">
              {untouched ? <input type="hidden" name={name} value={saved} /> : null}
              <input {...common} name={untouched ? undefined : name} aria-describedby={[describedBy(name, !!error), `${fieldId(name)}-zone`, `${fieldId(name)}-preview`].filter(Boolean).join(" ")} type="datetime-local" step={60} value={values[name]} onChange={(event) => set(name)(event.target.value)} className={controlClass(error, pickerClass)} />
              <span id={`${fieldId(name)}-zone`} className="text-xs text-slate-600">
                {zone ?? "competition"} time
              </span>
              <button type="button" className={secondaryButtonClass} onClick={() => set(name)("")} disabled={values[name] === ""}>
                Clear<span className="sr-only"> {settingLabel(name).toLowerCase()}</span>
              </button>
            </div>
          </Labelled>
        );
      }
      case "submissionKinds": {
        const kinds = values.submissionKinds.split(",").filter(Boolean);
        return (
          <fieldset aria-describedby={describedBy(name, !!error)} aria-invalid={error ? true : undefined}>
            <legend className="text-sm font-medium text-slate-800">{settingLabel(name)}</legend>
            <Hint name={name} />
            <input type="hidden" name={name} value="" />
            <div className="mt-1 flex flex-wrap gap-x-5 gap-y-1">
              {SUBMISSION_KIND_OPTIONS.map((option) => (
                <label key={option.value} className="flex items-center gap-2 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name={name}
                    value={option.value}
                    checked={kinds.includes(option.value)}
                    onChange={(event) => set(name)(SUBMISSION_KIND_OPTIONS.map((kind) => kind.value).filter((kind) => (kind === option.value ? event.target.checked : kinds.includes(kind))).join(","))}
                  />
                  {option.label}
                </label>
              ))}
            </div>
            <FieldError name={name} error={error} />
          </fieldset>
        );
      }
      case "allowPartial":
      case "registrationOpen":
        return (
          <div>
            <input type="hidden" name={name} value="false" />
            <div className="flex items-center justify-between gap-3">
              <label htmlFor={fieldId(name)} className="text-sm font-medium text-slate-800">
                {settingLabel(name)}
              </label>
              <input
                {...common}
                type="checkbox"
                role="switch"
                value="true"
                checked={values[name] === "true"}
                onChange={(event) => set(name)(String(event.target.checked))}
                className="relative h-6 w-11 shrink-0 cursor-pointer appearance-none rounded-full bg-slate-400 transition-colors before:absolute before:left-0.5 before:top-0.5 before:h-5 before:w-5 before:rounded-full before:bg-white before:shadow before:transition-transform checked:bg-podium-600 checked:before:translate-x-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-podium-500 focus-visible:ring-offset-2"
              />
            </div>
            <Hint name={name} />
            <FieldError name={name} error={error} />
          </div>
        );
      case "legacyEndpoint":
      case "leaderboard":
      case "teamAnalysis":
        return (
          <Labelled name={name} error={error}>
            <select {...common} value={values[name]} onChange={(event) => set(name)(event.target.value)} className={controlClass(error)}>
              {(SETTING_OPTIONS[name] as readonly { value: string; label: string }[]).map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </Labelled>
        );
      case "dailyLimit":
      case "totalLimit":
        return <Labelled name={name} error={error}>{text({ type: "number", inputMode: "numeric", min: 1, step: 1, placeholder: "no limit" })}</Labelled>;
      case "teamSize":
        return <Labelled name={name} error={error}>{text({ type: "number", inputMode: "numeric", min: 1, max: 100, step: 1 })}</Labelled>;
      case "finalSelectionLimit":
        return <Labelled name={name} error={error}>{text({ type: "number", inputMode: "numeric", min: 1, max: 20, step: 1 })}</Labelled>;
      case "publicFraction":
        return <Labelled name={name} error={error}>{text({ type: "number", inputMode: "decimal", min: 0, max: 1, step: 0.01 })}</Labelled>;
      case "ladderThreshold":
        return <Labelled name={name} error={error}>{text({ type: "number", inputMode: "decimal", min: 0, max: 1000, step: "any", placeholder: "off" })}</Labelled>;
      case "description":
      case "rules":
        return (
          <Labelled name={name} error={error}>
            <textarea {...common} rows={4} value={values[name]} onChange={(event) => set(name)(event.target.value)} className={controlClass(error)} />
          </Labelled>
        );
      default:
        return <Labelled name={name} error={error}>{text({ type: "text", spellCheck: false, autoComplete: "off" })}</Labelled>;
    }
  };

  return (
    <form key={attempt} action={formAction} noValidate className="space-y-6" data-testid="settings-form">
      <input type="hidden" name="slug" value={slug} />
      {listed.length > 0 ? (
        <div ref={summary} tabIndex={-1} role="alert" aria-labelledby="settings-errors-title" data-testid="settings-errors" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500">
          <p id="settings-errors-title" className="font-semibold">
            The settings were not saved: {listed.length === 1 ? "1 problem" : `${listed.length} problems`}
          </p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {listed.map((error, i) => (
              <li key={i}>{error.field ? <a href={`#${fieldId(error.field)}`} className="underline">{describeSettingsError(error)}</a> : error.message}</li>
            ))}
          </ul>
        </div>
      ) : !state.ok ? (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
          Every problem is fixed: save again.
        </p>
      ) : null}
      {GROUPS.map((group) => (
        <fieldset key={group} className="min-w-0 border-t border-slate-200 pt-4">
          <legend className="pr-2 text-sm font-semibold uppercase tracking-wide text-slate-600">{group}</legend>
          {GROUP_HINTS[group] ? <p className="mb-3 text-xs text-slate-600">{GROUP_HINTS[group]}</p> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            {SETTING_FORM_FIELDS.filter((field) => field.group === group).map((field) => (
              <div key={field.name} className={WIDE_SETTINGS.has(field.name) ? "sm:col-span-2" : undefined}>
                {control(field.name)}
              </div>
            ))}
          </div>
        </fieldset>
      ))}
      <fieldset className="min-w-0 border-t border-slate-200 pt-4">
        <legend className="pr-2 text-sm font-semibold uppercase tracking-wide text-slate-600">Texts</legend>
        <div className="grid gap-4">
          {control("description")}
          {control("rules")}
        </div>
      </fieldset>
      <div className="space-y-3 border-t border-slate-200 pt-4">
        {anySubmissions ? (
          <div className="flex items-start gap-2 text-sm text-slate-700">
            <input id="settings-confirmRescore" type="checkbox" name="confirmRescore" value="yes" className="mt-1" aria-describedby="settings-confirmRescore-hint" checked={confirmRescore} onChange={(event) => setConfirmRescore(event.target.checked)} />
            <div>
              <label htmlFor="settings-confirmRescore" className="font-medium text-slate-800">
                Rescore every entry
              </label>
              <p id="settings-confirmRescore-hint">
                Changing the split seed, public fraction, scoring weights or partial lists changes what every score means: such a change is refused unless every entry is rescored (each entry is queued for rescoring and off the boards until its job has run; quotas are untouched; models whose dataset changed run again).
              </p>
            </div>
          </div>
        ) : null}
        <button type="submit" className={buttonClass} disabled={pending}>
          {pending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}

function describedBy(name: SettingName, invalid: boolean): string | undefined {
  return [hintOf(name) ? `${fieldId(name)}-hint` : null, invalid ? `${fieldId(name)}-error` : null].filter(Boolean).join(" ") || undefined;
}

function Hint({ name }: { name: SettingName }) {
  const hint = hintOf(name);
  return hint ? (
    <p id={`${fieldId(name)}-hint`} className="text-xs text-slate-600">
      {hint}
    </p>
  ) : null;
}

function FieldError({ name, error }: { name: SettingName; error: string | undefined }) {
  return error ? (
    <p id={`${fieldId(name)}-error`} className="mt-1 text-xs font-medium text-red-700">
      {error}
    </p>
  ) : null;
}

/** A label, the hint under it, the control, then its error (and anything else, such as a time's preview). */
function Labelled({ name, error, extra, children }: { name: SettingName; error: string | undefined; extra?: ReactNode; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={fieldId(name)} className="block text-sm font-medium text-slate-800">
        {settingLabel(name)}
      </label>
      <Hint name={name} />
      <div className="mt-1">{children}</div>
      {extra}
      <FieldError name={name} error={error} />
    </div>
  );
}

/** What a wall time means as an instant, and what daylight saving did to it, under the date-time picker. */
function WallTimePreview({ id, value, zone }: { id: string; value: string; zone: string | null }) {
  const outcome = value && zone ? wallTimeToInstant(value, zone) : null;
  let text = "";
  if (!value) text = "Not set.";
  else if (outcome?.ok) {
    const at = formatTime(outcome.at, zone);
    const utc = formatTime(outcome.at, "UTC");
    if (outcome.kind === "skipped") text = `This time does not exist that day in ${zone} (the clocks skip it): it is read as ${at} (${utc}).`;
    else if (outcome.kind === "repeated") text = `This time happens twice that day in ${zone}: the first, ${at} (${utc}), is used.`;
    else text = zone === "UTC" ? `${at}.` : `${at}, which is ${utc}.`;
  }
  return (
    <p id={id} className="mt-1 text-xs text-slate-600">
      {text}
    </p>
  );
}
