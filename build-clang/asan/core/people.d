build-clang/asan/core/people.o: core/people.c core/people.h core/report.h \
  core/store.h core/status.h core/strbuf.h core/usage.h core/amount.h \
  core/date.h core/text.h core/xalloc.h core/access.h core/audit.h \
  core/tabular.h

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

core/tabular.h:
