# ifmib_exporter container image: Debian 12 build stage (a Release build), debian:12-slim runtime
# stage holding the binary and the shared libraries it links, run as an unprivileged user.
# tests/deploy/dockerfile.sh checks the runtime package list against what a Release build of the
# binary links (NEEDED entries -> dpkg -S): none missing, none extra.
#
#   docker build -t ifmib_exporter .
#   docker run -d --name ifmib_exporter --network host ifmib_exporter [flags]
#
# Run it with --network host: the exporter reports the interfaces, send queues and multicast
# memberships of the network namespace it runs in, and a container's own namespace has only its
# veth and lo. It needs no capability (netlink dumps and /proc/net are readable by anyone), so
# --cap-drop=ALL --read-only --security-opt=no-new-privileges all work.

FROM debian:12 AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      cmake make g++ pkg-config git ca-certificates \
      prometheus-cpp-dev libspdlog-dev nlohmann-json3-dev libmnl-dev zlib1g-dev libisal-dev \
      libyaml-cpp-dev libssl-dev libcrypt-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DIFMIB_BUILD_TESTS=OFF \
 && cmake --build /build -j "$(nproc)" --target ifmib_exporter \
 && strip /build/ifmib_exporter \
 && /build/ifmib_exporter --version

FROM debian:12-slim
ARG DEBIAN_FRONTEND=noninteractive
# The packages of the shared libraries the binary links; nothing else. (prometheus-cpp is
# needed to build, but a Release build does not link it.)
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libc6 libgcc-s1 libstdc++6 libisal2 \
      libspdlog1.10 libfmt9 libmnl0 \
      libyaml-cpp0.7 libssl3 libcrypt1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/ifmib_exporter /usr/local/bin/ifmib_exporter
# nobody:nogroup, numeric so that Kubernetes' runAsNonRoot can check it.
USER 65534:65534
EXPOSE 10027
ENTRYPOINT ["/usr/local/bin/ifmib_exporter"]
