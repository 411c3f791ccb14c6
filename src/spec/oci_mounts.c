/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_mounts.c - config.json's "root" and "mounts", and the mount options ward
 * knows (for linux.rootfsPropagation and `ward features` too).
 *
 * The standard mounts (/proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys,
 * /sys/fs/cgroup) are what ward's mount module sets up anyway, so they are
 * recognised and not mounted twice; of the others, binds and tmpfs are kept.
 */
#include "ward/oci_parse.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include "ward/cleanup.h"
#include "ward/json.h"

int oci_root_parse(yajl_val root, const char *bundle, struct container_spec *spec,
		   struct ward_err *err)
{
	cleanup_free char *path = NULL;
	const char *p = NULL;
	char real[PATH_MAX];
	struct stat st;

	if (!root || !YAJL_IS_OBJECT(root))
		return oci_bad(err, "root", "is required (an object with a path)");
	if (oci_get_string(root, "path", "root.path", &p, err) < 0)
		return -EINVAL;
	if (!p || !*p)
		return oci_bad(err, "root.path", "is required");
	path = oci_bundle_path(bundle, p);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return err_set(err, 0, "root.path: '%s' does not exist", path);
		return err_set(err, errno, "root.path: '%s'", path);
	}
	if (!S_ISDIR(st.st_mode))
		return err_set(err, 0, "root.path: '%s' is not a directory", path);
	if (!realpath(path, real))
		return err_set(err, errno, "root.path: '%s'", path);
	if (strcmp(real, "/") == 0)
		return err_set(err, 0, "root.path: '%s' is the host's root", path);
	spec->rootfs = xstrdup(real);
	return oci_get_bool(root, "readonly", "root.readonly", &spec->readonly_root, err);
}

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_flags[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"remount", MS_REMOUNT, 0},
    {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},
    {"atime", 0, MS_NOATIME},
    {"noatime", MS_NOATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"defaults", 0, 0},
    {"iversion", MS_I_VERSION, 0},
    {"noiversion", 0, MS_I_VERSION},
    {"lazytime", MS_LAZYTIME, 0},
    {"nolazytime", 0, MS_LAZYTIME},
    {"silent", MS_SILENT, 0},
    {"loud", 0, MS_SILENT},
    {"bind", MS_BIND, 0},
    {"rbind", MS_BIND | MS_REC, 0},
    {"private", MS_PRIVATE, 0},
    {"rprivate", MS_PRIVATE | MS_REC, 0},
    {"shared", MS_SHARED, 0},
    {"rshared", MS_SHARED | MS_REC, 0},
    {"slave", MS_SLAVE, 0},
    {"rslave", MS_SLAVE | MS_REC, 0},
    {"unbindable", MS_UNBINDABLE, 0},
    {"runbindable", MS_UNBINDABLE | MS_REC, 0},
};

/* the recursive attributes of runtime-spec 1.1 (mount_setattr(2) with AT_RECURSIVE) */
static const struct {
	const char *name;
	uint64_t set, clear;
} mount_attrs[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
};

/* tmpfs's own options (mm/shmem.c), the part of an option before any '=' */
static const char *const tmpfs_keys[] = {
    "size",
    "nr_blocks",
    "nr_inodes",
    "mode",
    "uid",
    "gid",
    "huge",
    "mpol",
    "inode32",
    "inode64",
    "noswap",
    "quota",
    "usrquota",
    "grpquota",
    "usrquota_block_hardlimit",
    "usrquota_inode_hardlimit",
    "grpquota_block_hardlimit",
    "grpquota_inode_hardlimit",
};

/* Mounts ward's mount module makes itself, with the type it makes them with. */
static const struct {
	const char *destination;
	const char *types; /* accepted types, space-separated */
} standard_mounts[] = {
    {"/proc", "proc"},
    {"/dev", "tmpfs"},
    {"/dev/pts", "devpts"},
    {"/dev/shm", "tmpfs bind"},
    {"/dev/mqueue", "mqueue"},
    {"/sys", "sysfs"}, /* and a bind of a sysfs: see parse_mount() */
    {"/sys/fs/cgroup", "cgroup cgroup2 bind"},
};

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (n == 0) /* strstr() finds "" everywhere, and p += 0 would never move on */
		return false;
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static bool is_standard_mount(const char *dst, const char *type)
{
	for (size_t i = 0; i < sizeof(standard_mounts) / sizeof(standard_mounts[0]); i++)
		if (strcmp(dst, standard_mounts[i].destination) == 0)
			return word_in(standard_mounts[i].types, type);
	return false;
}

/* a bind of a sysfs on /sys (rootless podman's way): ward mounts its own */
static bool is_sysfs_bind(const char *dst, const char *source)
{
	struct statfs fs;

	return strcmp(dst, "/sys") == 0 && statfs(source, &fs) == 0 &&
	       (long)fs.f_type == SYSFS_MAGIC;
}

#define MS_PROPAGATION (MS_PRIVATE | MS_SHARED | MS_SLAVE | MS_UNBINDABLE)
#define N_MOUNT_FLAGS  (sizeof(mount_flags) / sizeof(mount_flags[0]))

bool oci_propagation(const char *name, unsigned long *flags)
{
	for (size_t j = 0; j < N_MOUNT_FLAGS; j++) {
		if (strcmp(name, mount_flags[j].name) == 0 &&
		    (mount_flags[j].set & MS_PROPAGATION)) {
			*flags = mount_flags[j].set;
			return true;
		}
	}
	return false;
}

#define N_MOUNT_ATTRS (sizeof(mount_attrs) / sizeof(mount_attrs[0]))

/* what ward does with an option beyond the flags tables */
static const char *const other_options[] = {"tmpcopyup", "notmpcopyup", "copy-symlink"};
#define N_OTHER_OPTIONS (sizeof(other_options) / sizeof(other_options[0]))

const char *oci_mount_option_name(size_t i)
{
	if (i < N_MOUNT_FLAGS)
		return mount_flags[i].name;
	i -= N_MOUNT_FLAGS;
	if (i < N_MOUNT_ATTRS)
		return mount_attrs[i].name;
	i -= N_MOUNT_ATTRS;
	return i < N_OTHER_OPTIONS ? other_options[i] : NULL;
}

/* what mounts[i].options say: flags, a propagation, the rest for the filesystem */
struct mount_opts {
	unsigned long flags;
	unsigned long propagation; /* the last one given wins */
	uint64_t attr_set, attr_clr;
	bool copyup, copy_symlink;
	char data[1024];     /* the filesystem's own options, comma-separated */
	char first_data[64]; /* the first of them, for a message */
};

/* Whether @opt (KEY or KEY=VALUE) is one of tmpfs's own options. */
static bool is_tmpfs_option(const char *opt)
{
	size_t n = strcspn(opt, "=");

	for (size_t i = 0; i < sizeof(tmpfs_keys) / sizeof(tmpfs_keys[0]); i++)
		if (strlen(tmpfs_keys[i]) == n && strncmp(opt, tmpfs_keys[i], n) == 0)
			return true;
	return false;
}

/* an option that is no flag, no attribute and none of ward's own */
static bool other_option(const char *opt, struct mount_opts *mo)
{
	for (size_t j = 0; j < N_MOUNT_ATTRS; j++) {
		if (strcmp(opt, mount_attrs[j].name) == 0) {
			/* the last one wins; an atime mode clears the whole _ATIME field */
			mo->attr_set = (mo->attr_set & ~mount_attrs[j].clear) | mount_attrs[j].set;
			mo->attr_clr = (mo->attr_clr & ~mount_attrs[j].set) | mount_attrs[j].clear;
			return true;
		}
	}
	if (strcmp(opt, "tmpcopyup") == 0 || strcmp(opt, "notmpcopyup") == 0) {
		mo->copyup = opt[0] == 't';
		return true;
	}
	if (strcmp(opt, "copy-symlink") == 0) {
		mo->copy_symlink = true;
		return true;
	}
	return false;
}

static void strv_releasep(struct strv *sv)
{
	strv_release(sv);
}

static int parse_options(yajl_val m, size_t i, struct mount_opts *mo, struct ward_err *err)
{
	__attribute__((cleanup(strv_releasep))) struct strv opts = {0};
	char field[OCI_FIELD_MAX];
	int r = oci_get_strv(m, "options", oci_field_at(field, "mounts", i, "options"), &opts, err);

	if (r < 0)
		return r;
	for (size_t k = 0; k < opts.n; k++) {
		size_t j, used;

		for (j = 0; j < N_MOUNT_FLAGS; j++)
			if (strcmp(opts.v[k], mount_flags[j].name) == 0)
				break;
		if (j < N_MOUNT_FLAGS && (mount_flags[j].set & MS_PROPAGATION)) {
			mo->propagation = mount_flags[j].set;
			continue;
		}
		if (j < N_MOUNT_FLAGS) {
			mo->flags = (mo->flags | mount_flags[j].set) & ~mount_flags[j].clear;
			continue;
		}
		if (other_option(opts.v[k], mo))
			continue;
		if (strcmp(opts.v[k], "idmap") == 0 || strcmp(opts.v[k], "ridmap") == 0)
			return err_set(err, 0,
				       "%s: '%s': ward does not make idmapped mounts (use a user "
				       "namespace's mappings instead)",
				       field, opts.v[k]);
		if (!mo->first_data[0])
			(void)snprintf(mo->first_data, sizeof(mo->first_data), "%s", opts.v[k]);
		used = strlen(mo->data);
		if ((size_t)snprintf(mo->data + used, sizeof(mo->data) - used, "%s%s",
				     used ? "," : "", opts.v[k]) >= sizeof(mo->data) - used)
			return oci_bad(err, field, "too long");
	}
	return 0;
}

/* a bind's source: required, relative to the bundle, existing */
static int bind_source(const char *src, size_t i, const char *bundle, char **path,
		       struct ward_err *err)
{
	char field[OCI_FIELD_MAX];
	struct stat st;

	oci_field_at(field, "mounts", i, "source");
	if (!src || !*src)
		return oci_bad(err, field, "is required for a bind mount");
	*path = oci_bundle_path(bundle, src);
	if (stat(*path, &st) < 0) {
		if (errno == ENOENT)
			return err_set(err, 0, "%s: '%s' does not exist", field, *path);
		return err_set(err, errno, "%s: '%s'", field, *path);
	}
	return 0;
}

/*
 * What a mount of @type does not take: filesystem options on a bind (it has
 * none), an option tmpfs does not know, ward's own options on the wrong type.
 * An unknown option is never handed to the kernel as mount data by accident.
 */
static int check_options(const char *type, bool bind, const struct mount_opts *mo,
			 const char *field, struct ward_err *err)
{
	char data[sizeof(mo->data)], *p = data, *opt;
	bool tmpfs = !bind && strcmp(type, "tmpfs") == 0;

	if (bind && mo->data[0])
		return err_set(err, 0,
			       "%s: unknown option '%s' (a bind mount takes none of a "
			       "filesystem's own)",
			       field, mo->first_data);
	if (mo->copyup && !tmpfs)
		return err_set(err, 0, "%s: 'tmpcopyup' is for tmpfs mounts", field);
	if (mo->copy_symlink && !bind)
		return err_set(err, 0, "%s: 'copy-symlink' is for bind mounts", field);
	if (!tmpfs)
		return 0;
	memcpy(data, mo->data, sizeof(data));
	while ((opt = strsep(&p, ",")))
		if (*opt && !is_tmpfs_option(opt))
			return err_set(err, 0, "%s: unknown tmpfs option '%s'", field, opt);
	return 0;
}

static void add_bind(struct container_spec *spec, char **source, char **dst,
		     const struct mount_opts *mo)
{
	struct spec_mount *sm = spec_add_mount(spec);
	char link[PATH_MAX];
	ssize_t n;

	sm->kind = SPEC_MOUNT_BIND;
	/* copy-symlink (crun's): a source that is a symlink becomes the same link */
	if (mo->copy_symlink && (n = readlink(*source, link, sizeof(link) - 1)) > 0) {
		link[n] = '\0';
		sm->kind = SPEC_MOUNT_SYMLINK;
		free(*source);
		*source = xstrdup(link);
	}
	sm->source = steal_ptr(source);
	sm->destination = steal_ptr(dst);
	/* the mount module binds recursively and applies ro; other flags are kept */
	sm->flags = mo->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
	sm->propagation = mo->propagation;
	sm->attr_set = mo->attr_set;
	sm->attr_clr = mo->attr_clr;
}

/* @path has a line starting with @prefix and then @type, ending there or at a space/tab */
static bool file_has_word(const char *path, const char *prefix, const char *type)
{
	cleanup_fclose FILE *f = fopen(path, "re");
	size_t plen = strlen(prefix), tlen = strlen(type);
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line;

		if (strncmp(p, prefix, plen) != 0)
			continue;
		p += plen;
		if (strncmp(p, type, tlen) == 0 && strchr(" \t\n", p[tlen]) && p[tlen])
			return true;
	}
	return false;
}

/*
 * Whether the kernel can mount @type: registered (/proc/filesystems), or a
 * module it would load for it (modules.alias "fs-TYPE"). Checked before anything
 * starts, so a type the host lacks is named with its field.
 */
static bool fs_type_known(const char *type)
{
	struct utsname u;
	char path[256], alias[96];

	if (file_has_word("/proc/filesystems", "\t", type) ||
	    file_has_word("/proc/filesystems", "nodev\t", type))
		return true;
	if (uname(&u) < 0)
		return true; /* cannot tell: mount(2) will */
	(void)snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	(void)snprintf(alias, sizeof(alias), "fs-%s", type);
	return file_has_word(path, "alias ", alias);
}

/* any other filesystem: type, source and options go to mount(2) as given (runc) */
static void add_other(struct container_spec *spec, const char *type, const char *src, char **dst,
		      const struct mount_opts *mo)
{
	struct spec_mount *sm = spec_add_mount(spec);

	sm->kind = SPEC_MOUNT_OTHER;
	sm->type = xstrdup(type);
	sm->source = xstrdup(src && *src ? src : type);
	sm->destination = steal_ptr(dst);
	sm->flags = mo->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	sm->data = mo->data[0] ? xstrdup(mo->data) : NULL;
	sm->propagation = mo->propagation;
	sm->attr_set = mo->attr_set;
	sm->attr_clr = mo->attr_clr;
}

static void add_tmpfs(struct container_spec *spec, char **dst, const struct mount_opts *mo)
{
	struct spec_mount *sm = spec_add_mount(spec);

	sm->kind = SPEC_MOUNT_TMPFS;
	sm->destination = steal_ptr(dst);
	sm->flags = mo->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				 MS_STRICTATIME | MS_RELATIME | MS_NODIRATIME | MS_SYNCHRONOUS |
				 MS_DIRSYNC | MS_LAZYTIME | MS_I_VERSION | MS_SILENT);
	sm->data = mo->data[0] ? xstrdup(mo->data) : NULL;
	sm->propagation = mo->propagation;
	sm->extra = mo->copyup ? SPEC_MNT_TMPCOPYUP : 0;
	sm->attr_set = mo->attr_set;
	sm->attr_clr = mo->attr_clr;
}

static int parse_mount(yajl_val m, size_t i, const char *bundle, struct container_spec *spec,
		       struct ward_err *err)
{
	const char *given = NULL, *type = NULL, *src = NULL;
	cleanup_free char *dst = NULL, *path = NULL;
	char field[OCI_FIELD_MAX];
	struct mount_opts mo = {0};
	bool bind;
	int r;

	if (!YAJL_IS_OBJECT(m))
		return oci_bad(err, oci_field_at(field, "mounts", i, NULL), "must be an object");
	if (oci_get_string(m, "destination", oci_field_at(field, "mounts", i, "destination"),
			   &given, err) < 0)
		return -EINVAL;
	if (!given || given[0] != '/')
		return oci_bad(err, field, "must be an absolute path");
	dst = spec_clean_path(given);
	if (strcmp(dst, "/") == 0)
		return oci_bad(err, field, "cannot be '/' (that is root.path)");
	if (oci_get_string(m, "type", oci_field_at(field, "mounts", i, "type"), &type, err) < 0 ||
	    oci_get_string(m, "source", oci_field_at(field, "mounts", i, "source"), &src, err) < 0)
		return -EINVAL;
	r = parse_options(m, i, &mo, err);
	if (r < 0)
		return r;
	bind = (mo.flags & MS_BIND) || (type && strcmp(type, "bind") == 0);
	if (!type || !*type)
		type = bind ? "bind" : "";
	if (is_standard_mount(dst, type))
		return 0;
	if (check_options(type, bind, &mo, oci_field_at(field, "mounts", i, "options"), err) < 0)
		return -EINVAL;
	if (bind) {
		r = bind_source(src, i, bundle, &path, err);
		if (r < 0)
			return r;
		if (is_sysfs_bind(dst, path))
			return 0;
	}
	if (spec_check_mount_at(dst, bind ? path : NULL, err) < 0)
		return err_prefix(err, "%s: '%s'", oci_field_at(field, "mounts", i, "destination"),
				  given);
	if (!*type)
		return err_set(err, 0,
			       "%s: mount type '' on '%s' is not supported (bind and tmpfs are, "
			       "and the standard /proc, /dev and /sys mounts)",
			       oci_field_at(field, "mounts", i, "type"), dst);
	if (!bind && strcmp(type, "tmpfs") != 0 && !fs_type_known(type))
		return err_set(err, 0,
			       "%s: mount type '%s' on '%s' is not one this kernel mounts (not in "
			       "/proc/filesystems, no module for it)",
			       oci_field_at(field, "mounts", i, "type"), type, dst);
	if (bind)
		add_bind(spec, &path, &dst, &mo);
	else if (strcmp(type, "tmpfs") == 0)
		add_tmpfs(spec, &dst, &mo);
	else
		add_other(spec, type, src, &dst, &mo);
	return 0;
}

int oci_mounts_parse(yajl_val mounts, const char *bundle, struct container_spec *spec,
		     struct ward_err *err)
{
	if (!mounts)
		return 0;
	if (!YAJL_IS_ARRAY(mounts))
		return oci_bad(err, "mounts", "must be an array");
	for (size_t i = 0; i < json_len(mounts); i++) {
		int r = parse_mount(json_elem(mounts, i), i, bundle, spec, err);

		if (r < 0)
			return r;
	}
	return 0;
}
