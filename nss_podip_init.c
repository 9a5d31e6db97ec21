/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip-init: the first steps of a pod that nss-podip inject changed
 * (SPEC §8, docs/kubernetes.md). It is linked statically, so it runs in
 * the injector image, which holds no C library, and in an app's image
 * whatever C library it holds:
 *
 *   nss-podip-init copy DIR    the portable files beside this program into
 *                              DIR, the pod's volume
 *   nss-podip-init setup DIR   in the app's image: nss-podip setup, which
 *                              writes DIR/nsswitch.conf and proves, with the
 *                              image's glibc, that the module loads; where
 *                              that command cannot start at all (no glibc),
 *                              one line says why, and the pod does not start */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *name;
    mode_t mode;
} portable_files[] = {
    {"nss-podip-init", 0755},
    {"nss-podip", 0755},
    {"libnss_podip.so.2", 0644},
};

__attribute__((format(printf, 1, 2))) static int failed(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nss-podip-init: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* DIR "/" NAME into PATH; false, with errno ENAMETOOLONG, when too long. */
static bool join(char path[PATH_MAX], const char *dir, const char *name)
{
    if (snprintf(path, PATH_MAX, "%s/%s", dir, name) < PATH_MAX)
        return true;
    errno = ENAMETOOLONG;
    return false;
}

static bool copy_fd(int in, int out)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0)
            return true;
        if (n < 0 && errno != EINTR)
            return false;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno != EINTR)
                return false;
            done += w > 0 ? w : 0;
        }
    }
}

/* FROM into DIR/NAME with MODE, renamed into place whole; errno says why not. */
static bool copy_file(const char *from, const char *dir, const char *name, mode_t mode)
{
    char tmp[PATH_MAX], to[PATH_MAX], tmp_name[NAME_MAX + 1];
    snprintf(tmp_name, sizeof tmp_name, ".%.*s.new", NAME_MAX - 5, name);
    if (!join(tmp, dir, tmp_name) || !join(to, dir, name))
        return false;
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in >= 0 ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    bool ok = out >= 0 && copy_fd(in, out) && fchmod(out, mode) == 0;
    int err = errno;
    if (out >= 0 && close(out) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (in >= 0)
        close(in);
    if (ok && rename(tmp, to) == 0)
        return true;
    err = ok ? errno : err;
    unlink(tmp);
    errno = err;
    return false;
}

static int copy(const char *here, const char *dir)
{
    for (size_t i = 0; i < sizeof portable_files / sizeof portable_files[0]; i++) {
        char from[PATH_MAX];
        if (!join(from, here, portable_files[i].name) ||
            !copy_file(from, dir, portable_files[i].name, portable_files[i].mode))
            return failed("cannot copy %s to %s: %s", from, dir, strerror(errno));
    }
    printf("nss-podip-init: copied nss-podip-init, nss-podip and libnss_podip.so.2 to %s\n", dir);
    return 0;
}

/* The loader PROGRAM names (its ELF PT_INTERP) into BUF. */
static bool interpreter(const char *program, char *buf, size_t size)
{
    int fd = open(program, O_RDONLY | O_CLOEXEC);
    ElfW(Ehdr) eh;
    bool found = false;
    if (fd >= 0 && pread(fd, &eh, sizeof eh, 0) == sizeof eh &&
        memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0) {
        for (unsigned i = 0; i < eh.e_phnum && !found; i++) {
            ElfW(Phdr) ph;
            if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * eh.e_phentsize)) != sizeof ph)
                break;
            found = ph.p_type == PT_INTERP && ph.p_filesz < size &&
                    pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz;
            if (found)
                buf[ph.p_filesz] = '\0';
        }
    }
    if (fd >= 0)
        close(fd);
    return found;
}

/* Why a glibc program cannot start in this image: its loader LOADER is not
 * here. The loaders of glibc on the architectures Kubernetes nodes run. */
static int no_glibc(const char *loader)
{
    static const char *const glibc_loaders[] = {
        "/lib64/ld-linux-x86-64.so.2",
        "/lib/ld-linux-aarch64.so.1",
        "/lib64/ld64.so.2",
        "/lib/ld64.so.1",
        "/lib/ld-linux-armhf.so.3",
        "/lib/ld-linux.so.2",
    };
    DIR *lib = opendir("/lib");
    struct dirent *e;
    while (lib != NULL && (e = readdir(lib)) != NULL) {
        if (strncmp(e->d_name, "ld-musl-", 8) == 0) {
            int rc = failed("this image has no glibc: its C library is musl (/lib/%s, as in "
                            "Alpine), which never loads NSS modules such as podip",
                            e->d_name);
            closedir(lib);
            return rc;
        }
    }
    if (lib != NULL)
        closedir(lib);
    for (size_t i = 0; i < sizeof glibc_loaders / sizeof glibc_loaders[0]; i++)
        if (access(glibc_loaders[i], F_OK) == 0)
            return failed("this image's glibc is for another architecture than this node "
                          "(it has %s, not %s)",
                          glibc_loaders[i], loader);
    return failed("this image has no glibc (no %s), so no program in it loads NSS modules "
                  "such as podip",
                  loader);
}

static int setup(const char *here, const char *dir)
{
    if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || chmod(dir, 0755) != 0)
        return failed("cannot make %s: %s", dir, strerror(errno));
    char command[PATH_MAX], output[PATH_MAX];
    if (!join(command, here, "nss-podip") || !join(output, dir, "nsswitch.conf"))
        return failed("%s: %s", dir, strerror(errno));
    char *args[] = {command, "setup", "--output", output, NULL};
    execv(command, args);
    /* execve says ENOENT for a missing loader too */
    int err = errno;
    char loader[PATH_MAX];
    if (err == ENOENT && access(command, F_OK) == 0 &&
        interpreter(command, loader, sizeof loader) && access(loader, F_OK) != 0)
        return no_glibc(loader);
    return failed("cannot run %s: %s", command, strerror(err));
}

int main(int argc, char **argv)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    bool is_copy = argc == 3 && strcmp(argv[1], "copy") == 0;
    if (slash == NULL || (!is_copy && (argc != 3 || strcmp(argv[1], "setup") != 0))) {
        fputs("usage: /PATH/nss-podip-init copy DIR | setup DIR   (see nss-podip(8))\n", stderr);
        return 2;
    }
    char here[PATH_MAX];
    snprintf(here, sizeof here, "%.*s", (int)(slash - argv[0]), argv[0]);
    if (here[0] == '\0')
        snprintf(here, sizeof here, "/");
    return is_copy ? copy(here, argv[2]) : setup(here, argv[2]);
}
