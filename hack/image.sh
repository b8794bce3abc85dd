#!/usr/bin/env bash
# Builds the local test image (default berth.local/busybox:1) from Debian's busybox-static:
# a root file system tar piped into `docker import`. No registry is involved. Building twice is a no-op.
source "$(dirname "$0")/lib.sh"

if docker image inspect "$BERTH_TEST_IMAGE" >/dev/null 2>&1; then say "image $BERTH_TEST_IMAGE present"; exit 0; fi
[ -x /bin/busybox ] || die "/bin/busybox missing: run hack/install-deps.sh (Debian package busybox-static)"

root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,www,root,proc,sys,dev,var/run}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
echo '<h1>berth</h1>' >"$root/www/index.html"
say "importing $BERTH_TEST_IMAGE"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/bin' --change 'WORKDIR /' --change 'CMD ["sh"]' \
  - "$BERTH_TEST_IMAGE" >/dev/null
docker image inspect "$BERTH_TEST_IMAGE" >/dev/null
say "image $BERTH_TEST_IMAGE built"
