build-clang/obj/importers/source.o: importers/source.c importers/source.h \
  core/usage.h core/amount.h core/date.h core/report.h core/status.h \
  core/strbuf.h core/text.h core/xalloc.h

importers/source.h:

core/usage.h:

core/amount.h:

core/date.h:

core/report.h:

core/status.h:

core/strbuf.h:

core/text.h:

core/xalloc.h:
