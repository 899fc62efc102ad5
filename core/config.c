/* Configuration store filled by inih. */
#include "core/config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/xalloc.h"

struct config_item {
    char *section, *key, *value; /* owned */
};

struct config {
    struct config_item *items;
    size_t n;
    char *path;
};

struct config *config_new(void)
{
    struct config *c = xcalloc(1, sizeof *c);
    c->path = xstrdup("");
    return c;
}

void config_free(struct config **pp)
{
    if (!pp || !*pp)
        return;
    struct config *c = *pp;
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].section);
        free(c->items[i].key);
        free(c->items[i].value);
    }
    free(c->items);
    free(c->path);
    free(c);
    *pp = NULL;
}

void config_set(struct config *c, const char *section, const char *key, const char *value)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcasecmp(c->items[i].section, section) == 0 &&
            strcasecmp(c->items[i].key, key) == 0) {
            free(c->items[i].value);
            c->items[i].value = xstrdup(value);
            return;
        }
    }
    c->items = xreallocarray(c->items, c->n + 1, sizeof *c->items);
    c->items[c->n].section = xstrdup(section);
    c->items[c->n].key = xstrdup(key);
    c->items[c->n].value = xstrdup(value);
    c->n++;
}

const char *config_get(const struct config *c, const char *section, const char *key)
{
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcasecmp(c->items[i].section, section) == 0 && strcasecmp(c->items[i].key, key) == 0)
            return c->items[i].value;
    return NULL;
}

static int config_ini_handler(void *user, const char *section, const char *name, const char *value)
{
    config_set(user, section, name, value);
    return 1;
}

enum status config_load(const char *path, bool must_exist, struct config **out, struct strbuf *err)
{
    *out = NULL;
    struct stat st;
    struct config *c = config_new();
    free(c->path);
    c->path = xstrdup(path);
    if (stat(path, &st) != 0) {
        if (must_exist) {
            sb_setf(err, "%s: no such configuration file", path);
            config_free(&c);
            return ST_CONFIG;
        }
        *out = c;
        return ST_OK;
    }
    int rc = ini_parse(path, config_ini_handler, c);
    if (rc != 0) {
        if (rc < 0)
            sb_setf(err, "%s: cannot read the configuration file", path);
        else
            sb_setf(err, "%s:%d: syntax error (expected [section] or key = value)", path, rc);
        config_free(&c);
        return ST_CONFIG;
    }
    *out = c;
    return ST_OK;
}

enum status config_get_bool(const struct config *c, const char *section, const char *key, bool dflt,
                            bool *out, struct strbuf *err)
{
    const char *v = config_get(c, section, key);
    *out = dflt;
    if (!v)
        return ST_OK;
    static const struct {
        const char *word;
        bool value;
    } words[] = {{"true", true},   {"yes", true}, {"on", true},   {"1", true},
                 {"false", false}, {"no", false}, {"off", false}, {"0", false}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcasecmp(v, words[i].word) == 0) {
            *out = words[i].value;
            return ST_OK;
        }
    }
    sb_setf(err, "%s: [%s] %s = '%s' is not true or false", config_path(c), section, key, v);
    return ST_CONFIG;
}

enum status config_get_double(const struct config *c, const char *section, const char *key,
                              double dflt, double *out, struct strbuf *err)
{
    const char *v = config_get(c, section, key);
    *out = dflt;
    if (!v)
        return ST_OK;
    char *end = NULL;
    double d = strtod(v, &end);
    if (end == v || *end != '\0') {
        sb_setf(err, "%s: [%s] %s = '%s' is not a number", config_path(c), section, key, v);
        return ST_CONFIG;
    }
    *out = d;
    return ST_OK;
}

const char *config_path(const struct config *c)
{
    return c && c->path ? c->path : "";
}

char *config_default_path(void)
{
    const char *env = getenv("CREDENCE_CONFIG");
    if (env && *env)
        return xstrdup(env);
    char buf[4096];
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg == '/')
        snprintf(buf, sizeof buf, "%s/credence/config.ini", xdg);
    else {
        const char *home = getenv("HOME");
        snprintf(buf, sizeof buf, "%s/.config/credence/config.ini", home && *home ? home : ".");
    }
    return xstrdup(buf);
}
