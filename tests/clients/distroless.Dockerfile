# Pod names in an image without dpkg, apt or a shell (distroless base): the
# module and the hosts line are made in a Debian stage of the same release
# and copied in. Build it next to the two .debs:
#     docker build --build-arg DEBIAN=12 -f distroless.Dockerfile .
# tests/clients.sh carries out these steps one by one (it has no Docker engine).
ARG DEBIAN=12
FROM debian:${DEBIAN}-slim AS podip
COPY libnss-podip_*.deb nss-podip_*.deb /tmp/
# The package writes "hosts: files podip [NOTFOUND=return] dns" into this
# stage's nsswitch.conf; cp --parents keeps the multiarch directory
# (/usr/lib/x86_64-linux-gnu, /usr/lib/aarch64-linux-gnu, ...).
RUN dpkg -i /tmp/libnss-podip_*.deb /tmp/nss-podip_*.deb && \
    mkdir /out && \
    cp --parents /usr/lib/*/libnss_podip.so.2 /etc/nsswitch.conf /usr/sbin/nss-podip /out/

FROM gcr.io/distroless/base-debian${DEBIAN}
COPY --from=podip /out/ /
# Fails the build (exit status 1) unless the hosts line reaches podip.
RUN ["/usr/sbin/nss-podip", "status"]
