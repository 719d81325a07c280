# make image: container images of the static binaries, for amd64 and arm64,
# built without a container engine. platform/container/build_image.sh reads
# platform/container/Containerfile and builds what it describes with umoci.
# For each ARCH it leaves in build/image:
#   edgelog-ARCH.tar   for docker load -i; the image is edgelog:VERSION-ARCH
#   oci-ARCH/          the same image as an OCI layout (skopeo copy oci:...)
#   context-ARCH/      a build context for docker build or podman build
# Needs root: the image records file owners.

IMAGE_DIR := build/image
IMAGE_CA_BUNDLE := certs/ca-bundle.pem

.PHONY: image

# make static runs every time: it rebuilds only what changed, and an image
# must hold the binary of the sources its version label names.
image:
	@sh platform/debian/install_deps.sh umoci skopeo
	@$(MAKE) --no-print-directory static TARGET=
	@$(MAKE) --no-print-directory static TARGET=aarch64
	@$(MAKE) -s --no-print-directory certs
	@bash platform/container/build_image.sh --arch amd64 --binary build/static/edgelog \
	  --ca-bundle $(IMAGE_CA_BUNDLE) --version '$(VERSION)' --out $(IMAGE_DIR)
	@bash platform/container/build_image.sh --arch arm64 --binary build/aarch64-static/edgelog \
	  --ca-bundle $(IMAGE_CA_BUNDLE) --version '$(VERSION)' --out $(IMAGE_DIR)
	@echo "load one with: docker load -i $(IMAGE_DIR)/edgelog-amd64.tar"
