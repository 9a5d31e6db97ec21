# nss-podip in a glibc image without dpkg (Red Hat's UBI, Fedora, Amazon
# Linux), from the injector image's portable files, which load on glibc
# 2.17 and later (docs/kubernetes.md). Build it anywhere:
#     podman build -t my-app -f portable.Dockerfile .    (or docker build)
# LIBDIR is where the image's glibc looks for libraries by itself: the Red
# Hat family's /usr/lib64; Debian's and Ubuntu's /usr/lib.
ARG INJECTOR=nss-podip-injector:0.1.0
ARG BASE=registry.access.redhat.com/ubi9/ubi-minimal
FROM ${INJECTOR} AS podip

FROM ${BASE}
ARG LIBDIR=/usr/lib64
COPY --from=podip /podip/libnss_podip.so.2 ${LIBDIR}/
COPY --from=podip /podip/nss-podip /usr/sbin/
# Writes podip onto the hosts line of /etc/nsswitch.conf, then fails the
# build (exit status 1, one line why) unless this image's glibc loads the
# module and it answers a pod name.
RUN ["/usr/sbin/nss-podip", "setup"]
