/* Framework references per rule and per control (reference/frameworks.md): OWASP NHI Top 10
 * (2025), NIST CSF 2.0, NIST AI RMF 1.0 and CSA MAESTRO layers. */
#ifndef CREDENCE_CORE_FRAMEWORKS_H
#define CREDENCE_CORE_FRAMEWORKS_H

#include <stddef.h>

struct framework_refs {
    const char *subject; /* rule id or control description */
    const char *owasp_nhi, *nist_csf, *nist_ai_rmf, *maestro;
};

/* The references of a rule id, or NULL for an unknown rule. Static storage. */
const struct framework_refs *frameworks_rule(const char *rule);
/* Every rule row and every control row; *n receives the count. Static storage. */
const struct framework_refs *frameworks_rules(size_t *n);
const struct framework_refs *frameworks_controls(size_t *n);

#endif
