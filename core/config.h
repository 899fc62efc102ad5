/* config.ini (inih): sections and keys kept as text; typed getters validate on use. */
#ifndef CREDENCE_CORE_CONFIG_H
#define CREDENCE_CORE_CONFIG_H

#include <stdbool.h>

#include "core/status.h"
#include "core/strbuf.h"

struct config;

/* Loads path. A missing file is an empty config unless must_exist (then ST_CONFIG). A syntax
 * error is ST_CONFIG "PATH:LINE: ...". *out is new; caller frees with config_free. */
enum status config_load(const char *path, bool must_exist, struct config **out, struct strbuf *err);
/* An empty configuration; caller frees. */
struct config *config_new(void);
void config_free(struct config **pp);
/* Sets (or replaces) a value; used by the loader and by tests. */
void config_set(struct config *c, const char *section, const char *key, const char *value);
/* The value of key in section, or NULL. Borrowed for the life of c. Section and key names are
 * case-insensitive. */
const char *config_get(const struct config *c, const char *section, const char *key);
/* Typed getters: dflt when absent; ST_CONFIG with "section.key: ..." when malformed. */
enum status config_get_bool(const struct config *c, const char *section, const char *key, bool dflt,
                            bool *out, struct strbuf *err);
enum status config_get_double(const struct config *c, const char *section, const char *key,
                              double dflt, double *out, struct strbuf *err);
/* The path the config was loaded from ("" for config_new). Borrowed. */
const char *config_path(const struct config *c);
/* Default path: $CREDENCE_CONFIG, else $XDG_CONFIG_HOME/credence/config.ini, else
 * ~/.config/credence/config.ini. Caller frees. */
char *config_default_path(void);

#endif
