/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - scope-bound release of memory, descriptors and module objects.
 *
 * Declare a variable with one of these attributes at the point where the resource
 * is acquired, initialised (= NULL, = -1); it is released when the variable goes
 * out of scope. Hand ownership on with steal_ptr()/steal_fd(). Never mix these
 * with goto-based unwinding in one function. The helpers preserve errno.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	int saved = errno;

	free(*(void **)p);
	errno = saved;
}

static inline void cleanup_closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		(void)close(*fd); /* nothing useful to do with a close error on cleanup */
	errno = saved;
}

static inline void cleanup_fclosep(FILE **f)
{
	int saved = errno;

	if (*f)
		(void)fclose(*f);
	errno = saved;
}

static inline void cleanup_strvp(char ***v)
{
	int saved = errno;

	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
	errno = saved;
}

#define cleanup_free   __attribute__((cleanup(cleanup_freep)))
#define cleanup_close  __attribute__((cleanup(cleanup_closep)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclosep)))
#define cleanup_strv   __attribute__((cleanup(cleanup_strvp)))

/* DEFINE_CLEANUP(struct profile *, profile_free) defines profile_freep(). */
#define DEFINE_CLEANUP(type, fn)                                                                   \
	static inline void fn##p(type *p)                                                          \
	{                                                                                          \
		int saved = errno;                                                                 \
		fn(*p);                                                                            \
		errno = saved;                                                                     \
	}

static inline void *steal_ptr_impl(void **pp)
{
	void *p = *pp;

	*pp = NULL;
	return p;
}
#define steal_ptr(pp) steal_ptr_impl((void **)(pp))

static inline int steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}
