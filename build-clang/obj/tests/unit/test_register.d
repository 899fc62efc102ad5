build-clang/obj/tests/unit/test_register.o: tests/unit/test_register.c \
  core/core.h core/access.h core/status.h core/store.h core/strbuf.h \
  core/amount.h core/audit.h core/config.h core/date.h core/hash.h \
  core/ledger.h core/pool.h core/people.h core/report.h core/usage.h \
  core/text.h core/xalloc.h core/register.h core/tabular.h \
  importers/csv_reader.h importers/source.h

core/core.h:

core/access.h:

core/status.h:

core/store.h:

core/strbuf.h:

core/amount.h:

core/audit.h:

core/config.h:

core/date.h:

core/hash.h:

core/ledger.h:

core/pool.h:

core/people.h:

core/report.h:

core/usage.h:

core/text.h:

core/xalloc.h:

core/register.h:

core/tabular.h:

importers/csv_reader.h:

importers/source.h:
