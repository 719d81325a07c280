# make install: the binary, the systemd unit and an example config.
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [BINDIR=] [SYSCONFDIR=/etc] [UNITDIR=]
#   make uninstall   removes the binary and the unit; config and state stay
#
# DESTDIR is prepended to every path written and appears in none of the
# files, so packages can be staged with it.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system

EDGELOG_UNIT := $(BUILD)/edgelog.service
EDGELOG_CONFIG := $(DESTDIR)$(SYSCONFDIR)/edgelog/config.json

.PHONY: install uninstall

# The unit is generated on every install: it depends on BINDIR and
# SYSCONFDIR, not only on its source. An existing config.json is the
# operator's and is never replaced.
install: $(BIN)
	install -D -m 0755 '$(BIN)' '$(DESTDIR)$(BINDIR)/edgelog'
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  platform/systemd/edgelog.service.in > '$(EDGELOG_UNIT)'
	install -D -m 0644 '$(EDGELOG_UNIT)' '$(DESTDIR)$(UNITDIR)/edgelog.service'
	@if [ -e '$(EDGELOG_CONFIG)' ]; then echo '$(EDGELOG_CONFIG) exists, kept as it is'; \
	else echo 'install -D -m 0644 platform/systemd/config.example.json $(EDGELOG_CONFIG)'; \
	  install -D -m 0644 platform/systemd/config.example.json '$(EDGELOG_CONFIG)'; fi

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/edgelog' '$(DESTDIR)$(UNITDIR)/edgelog.service'
