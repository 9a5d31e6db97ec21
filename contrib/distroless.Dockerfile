# nss-podip in an image without dpkg, apt or a shell (distroless): the
# module, the hosts line and the command are made in a Debian stage of the
# same release and copied in. Build it in the folder that holds the packages
# (libnss-podip_*.deb, nss-podip_*.deb, of one or more architectures):
#     docker build -t my-app -f distroless.Dockerfile .   (--build-arg DEBIAN=13 for trixie)
ARG DEBIAN=12
FROM docker.io/library/debian:${DEBIAN}-slim AS podip
COPY libnss-podip_*.deb nss-podip_*.deb /tmp/podip/
# dpkg's name for this stage's architecture picks the packages; the stage
# runs on the image's architecture, so that is the final image's too.
# libnss-podip writes "hosts: files podip [NOTFOUND=return] dns" into this
# stage's nsswitch.conf; cp --parents keeps the multiarch directory
# (/usr/lib/x86_64-linux-gnu, /usr/lib/aarch64-linux-gnu, ...).
RUN arch=$(dpkg --print-architecture) && \
    dpkg -i /tmp/podip/libnss-podip_*_"$arch".deb /tmp/podip/nss-podip_*_"$arch".deb && \
    mkdir /out && \
    cp --parents /usr/lib/*/libnss_podip.so.2 /etc/nsswitch.conf /usr/sbin/nss-podip /out/

FROM gcr.io/distroless/base-debian${DEBIAN}
COPY --from=podip /out/ /
# Fails the build (exit status 1) unless the hosts line reaches podip.
RUN ["/usr/sbin/nss-podip", "status"]
