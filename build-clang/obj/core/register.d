build-clang/obj/core/register.o: core/register.c core/register.h \
  core/people.h core/report.h core/store.h core/status.h core/strbuf.h \
  core/usage.h core/amount.h core/date.h core/text.h core/xalloc.h \
  core/access.h core/audit.h core/pool.h core/spiffe.h core/tabular.h

core/register.h:

core/people.h:

core/report.h:

core/store.h:

core/status.h:

core/strbuf.h:

core/usage.h:

core/amount.h:

core/date.h:

core/text.h:

core/xalloc.h:

core/access.h:

core/audit.h:

core/pool.h:

core/spiffe.h:

core/tabular.h:
