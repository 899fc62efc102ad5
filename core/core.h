/* The public face of core/ for cli/ and tui/: everything they may call. core/ never includes
 * ncurses and never prints (DESIGN.md sections 7 and 8). */
#ifndef CREDENCE_CORE_CORE_H
#define CREDENCE_CORE_CORE_H

#include "core/access.h"
#include "core/amount.h"
#include "core/audit.h"
#include "core/config.h"
#include "core/date.h"
#include "core/hash.h"
#include "core/ledger.h"
#include "core/outbox_admin.h"
#include "core/people.h"
#include "core/pool.h"
#include "core/pool_browse.h"
#include "core/pool_detail.h"
#include "core/dashboard.h"
#include "core/register.h"
#include "core/report.h"
#include "core/status.h"
#include "core/store.h"
#include "core/tabular.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/theme_file.h"
#include "core/usage.h"
#include "core/usage_import.h"
#include "core/xalloc.h"

#define CREDENCE_VERSION "0.1.0"

#endif
