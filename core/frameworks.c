/* Framework mapping tables, copied from reference/frameworks.md. */
#include "core/frameworks.h"

#include <string.h>

/* TO ADD A RULE: one row here with the references frameworks.md gives it. */
static const struct framework_refs rule_refs[] = {
    {"threshold", "NHI5", "DE.CM-03, PR.AA-05", "MEASURE 2.4, MANAGE 2.3",
     "L5 Evaluation & Observability"},
    {"exhaustion", "NHI5", "DE.CM-03, GV.RR-03", "MAP 3.2, MANAGE 2.1",
     "L4 Deployment & Infrastructure"},
    {"burn-spike", "NHI2, NHI10", "DE.AE-02, DE.CM-06", "MEASURE 3.1", "L4, L5"},
    {"dormant", "NHI1", "PR.AA-05, ID.AM-08", "GOVERN 1.7", "L6 Security & Compliance"},
    {"scope-drift", "NHI5", "PR.AA-05", "MAP 4.2, MANAGE 1.3", "L3 Agent Frameworks"},
    {"pooled-identities", "NHI9", "PR.AA-01, PR.AA-05", "GOVERN 1.6", "L7 Agent Ecosystem"},
    {"unbound-identity", "NHI4, NHI7", "PR.AA-02, PR.AA-03", "MAP 4.2", "L6"},
    {"review-overdue", "NHI5", "PR.AA-05, GV.OV-03", "GOVERN 1.5", "L6"},
    {"carry-over", "NHI7", "ID.AM-08, PR.AA-05", "MAP 3.2", "L6"},
    {"pilot-expired", "NHI1, NHI7, NHI8", "ID.AM-08, PR.AA-05", "GOVERN 1.7, MANAGE 2.4", "L4"},
    {"pilot-production-like", "NHI8", "ID.AM-05, PR.AA-05", "MAP 1.5", "L4"},
    {"orphaned", "NHI1", "GV.RR-02, ID.AM-08", "GOVERN 2.1", "L6"},
    {"unregistered-usage", "NHI9, NHI10", "ID.AM-02, ID.AM-04, DE.CM-06", "GOVERN 1.6", "L7"},
    {"renewal-due", "NHI7", "ID.AM-08, GV.SC-07", "GOVERN 6.1", "L6"},
};

static const struct framework_refs control_refs[] = {
    {"register: owner, custodian, workload identity, scope per pool", "NHI1, NHI9",
     "ID.AM-02, ID.AM-04, ID.AM-08, PR.AA-01", "GOVERN 1.6", "L6"},
    {"named roles and separation of duties", "NHI1", "GV.RR-02, PR.AA-05", "GOVERN 2.1, GOVERN 3.2",
     "L6"},
    {"periodic owner review campaign", "NHI1, NHI5", "PR.AA-05, GV.OV-03", "GOVERN 1.5, MANAGE 1.3",
     "L3, L6"},
    {"reduce (grant, models, tools)", "NHI5", "PR.AA-05", "MANAGE 1.3, MAP 4.2", "L3, L7"},
    {"revoke / retire", "NHI1, NHI7", "PR.AA-05, GV.SC-10", "MANAGE 2.4, GOVERN 1.7",
     "cross-layer"},
    {"consumption-triggered triage", "NHI2, NHI10",
     "DE.CM-03, DE.CM-06, RS.MA-02, RS.MA-03, RS.MA-04", "MEASURE 2.4, MEASURE 3.1, MANAGE 2.3",
     "L4, L5"},
    {"push to provider APIs with read-back", "NHI3", "GV.SC-05, GV.SC-07, ID.AM-04",
     "GOVERN 6.1, GOVERN 6.2, MANAGE 3.1", "L7"},
    {"tamper-evident signed audit log, evidence pack", "-", "GV.OV-02, PR.PS-04",
     "MANAGE 4.1, MANAGE 4.3, MEASURE 3.3", "L6"},
    {"renewal and rollover rules", "NHI7", "ID.AM-08, GV.RR-03", "MAP 3.2, MANAGE 2.1", "L6"},
};

const struct framework_refs *frameworks_rule(const char *rule)
{
    for (size_t i = 0; i < sizeof rule_refs / sizeof rule_refs[0]; i++)
        if (strcmp(rule_refs[i].subject, rule) == 0)
            return &rule_refs[i];
    return NULL;
}

const struct framework_refs *frameworks_rules(size_t *n)
{
    *n = sizeof rule_refs / sizeof rule_refs[0];
    return rule_refs;
}

const struct framework_refs *frameworks_controls(size_t *n)
{
    *n = sizeof control_refs / sizeof control_refs[0];
    return control_refs;
}
