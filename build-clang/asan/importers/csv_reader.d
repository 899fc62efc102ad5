build-clang/asan/importers/csv_reader.o: importers/csv_reader.c \
  importers/csv_reader.h core/usage.h core/amount.h core/date.h \
  core/report.h core/status.h core/strbuf.h core/text.h core/xalloc.h \
  importers/source.h

importers/csv_reader.h:

core/usage.h:

core/amount.h:

core/date.h:

core/report.h:

core/status.h:

core/strbuf.h:

core/text.h:

core/xalloc.h:

importers/source.h:
