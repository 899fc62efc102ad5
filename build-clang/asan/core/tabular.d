build-clang/asan/core/tabular.o: core/tabular.c core/tabular.h \
  core/strbuf.h core/usage.h core/amount.h core/date.h core/report.h \
  core/status.h core/text.h core/xalloc.h

core/tabular.h:

core/strbuf.h:

core/usage.h:

core/amount.h:

core/date.h:

core/report.h:

core/status.h:

core/text.h:

core/xalloc.h:
