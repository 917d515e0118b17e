#include "server/web_security.h"

namespace ifmib::server {

Result<WebSecurity::Built> WebSecurity::build(WebConfig config) {
  Built built;
  if (config.tls) {
    auto tls = make_tls_context(config.tls_settings);
    if (!tls) return tls.error();
    built.tls = std::move(*tls);
  }
  auto state = std::make_shared<State>();
  if (!config.users.empty()) {
    // Of the same cost as a real user's hash: the answer then takes as long whether the name exists or not.
    auto decoy = decoy_bcrypt_hash(config.users.begin()->second);
    if (!decoy) return decoy.error();
    state->decoy_hash = std::move(*decoy);
  }
  state->config = std::move(config);
  built.state = std::move(state);
  return built;
}

Result<std::shared_ptr<WebSecurity>> WebSecurity::from_config(WebConfig config, std::string path) {
  auto built = build(std::move(config));
  if (!built) return built.error();
  std::shared_ptr<WebSecurity> security(new WebSecurity());
  security->path_ = std::move(path);
  security->state_ = std::move(built->state);
  if (built->tls) security->tls_ = std::make_unique<LiveTlsContext>(std::move(*built->tls));
  return security;
}

Result<std::shared_ptr<WebSecurity>> WebSecurity::load(const std::string& path) {
  auto config = read_web_config(path);
  if (!config) return config.error();
  auto security = from_config(std::move(*config), path);
  if (!security) return security.error().within("web config " + path);
  return security;
}

Status WebSecurity::reload() {
  if (path_.empty()) return ok_status();
  auto config = read_web_config(path_);
  if (!config) return config.error();
  if (config->tls != tls()) {
    return Error::invalid("web config " + path_,
                          "switching between HTTP and HTTPS needs a restart; keeping the old configuration");
  }
  auto built = build(std::move(*config));
  if (!built) return built.error().within("web config " + path_);
  if (built->tls) tls_->replace(std::move(*built->tls));
  std::lock_guard lock(mutex_);
  state_ = std::move(built->state);
  return ok_status();
}

std::shared_ptr<const WebSecurity::State> WebSecurity::current() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool WebSecurity::tls() const { return current()->config.tls; }

std::vector<std::pair<std::string, std::string>> WebSecurity::headers() const { return current()->config.headers; }

bool WebSecurity::authorize(const char* authorization_header) const {
  const auto state = current();
  return auth_.authorize(state->config.users, state->decoy_hash, authorization_header);
}

ssl_ctx_st* WebSecurity::acquire_front_context() { return tls_ ? tls_->acquire_front() : nullptr; }

}  // namespace ifmib::server
