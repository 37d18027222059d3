// The icon of each category (the keys the core uses) and of the sources.

import type { IconName } from "../components/Icon.svelte";

const ICONS: Record<string, IconName> = {
  patient: "user",
  immunization: "syringe",
  allergy_intolerance: "allergy",
  medication_request: "pill",
  medication_statement: "pill",
  vitals: "heart",
  labs: "flask",
  diagnostic_report: "report",
  condition: "stethoscope",
  procedure: "procedure",
  family_member_history: "family",
  document_reference: "document",
  care_team: "team",
  care_plan: "plan",
  explanation_of_benefit: "receipt",
  coverage: "card",
};

export function categoryIcon(category: string): IconName {
  return ICONS[category] ?? "records";
}

/** Whether records come from a file the patient imported (or else a portal). */
export function isImport(source: string): boolean {
  return source === "import";
}
