/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPEC §6 holds for 32-bit builds too: without large-file stat, an inode
 * number over 2^32 (overlayfs with xino, XFS inode64, NFS) makes stat fail
 * with EOVERFLOW and the configuration is lost. Makefile.am's AM_CPPFLAGS
 * asks for 64-bit off_t, ino_t and time_t in every file; this file, linked
 * into the module, the command and the unit tests, fails the build where
 * they are missing. */
#include <sys/types.h>
#include <time.h>

_Static_assert(sizeof(off_t) == 8, "off_t is not 64 bits: -D_FILE_OFFSET_BITS=64 is missing");
_Static_assert(sizeof(ino_t) == 8, "ino_t is not 64 bits: -D_FILE_OFFSET_BITS=64 is missing");
_Static_assert(sizeof(time_t) == 8,
               "time_t is not 64 bits: -D_TIME_BITS=64 is missing (it needs glibc 2.34)");
