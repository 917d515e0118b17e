// FreeBSD has no per-thread way into another vnet (see docs/freebsd.md, "VNET jails"): this source
// lists the exporter's own stack only and says why it reads no other.

#include <cerrno>

#include "platform/netns_source.h"

namespace ifmib::platform {

namespace {

class OwnStackOnly final : public NamespaceSource {
 public:
  Result<NamespaceList> list() override {
    NamespaceList l;
    l.namespaces.push_back(NetworkNamespace{"", 0, "", "", true});
    return l;
  }
  Status run_inside(const NetworkNamespace& ns, const std::function<void(Reader&)>&) override {
    return Error{"enter " + ns.label, EOPNOTSUPP, "VNET jails are not read yet"};
  }
  Status check_access() override {
    return Error{"--collector.netns", EOPNOTSUPP,
                 "network namespaces are Linux's; VNET jails are not read yet (docs/freebsd.md)"};
  }
};

}  // namespace

std::unique_ptr<NamespaceSource> make_system_namespace_source() { return std::make_unique<OwnStackOnly>(); }

}  // namespace ifmib::platform
