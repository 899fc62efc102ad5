/* Pulling usage and cost pages from the provider admin APIs (following pagination), saving the
 * raw pages for evidence, and importing them through the usage importers. */
#ifndef CREDENCE_CORE_FETCH_H
#define CREDENCE_CORE_FETCH_H

#include <stdint.h>

#include "core/config.h"
#include "core/report.h"
#include "core/status.h"
#include "core/store.h"
#include "core/strbuf.h"

/* One report kind of a provider: its path and query. TO ADD A REPORT: a row in fetch.c. */
struct fetch_saved {
    char *path; /* file written, owned */
    int pages;
};

/* Fetches provider's reports for days [since, until) into dir (created 0700) and returns the
 * files written in *saved (new array of *n; caller frees each path and the array). ST_CONFIG when
 * the provider is not configured; ST_PROVIDER_DOWN on transport errors or 5xx; ST_BAD_DATA on an
 * unexpected answer. */
enum status fetch_pages(const struct config *cfg, const char *provider, int32_t since,
                        int32_t until, const char *dir, struct fetch_saved **saved, size_t *n,
                        const struct reporter *rep, struct strbuf *err);
void fetch_saved_free(struct fetch_saved *saved, size_t n);

#endif
