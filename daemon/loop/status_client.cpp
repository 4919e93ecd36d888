#include "daemon/loop/status_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "daemon/loop/endpoint.hpp"

namespace clocksim::daemon {

std::variant<nlohmann::json, std::string> query_status(const std::string& endpoint, int timeout_ms) {
  auto ep = parse_endpoint(endpoint);
  if (auto* e = std::get_if<std::string>(&ep)) return *e;
  auto sock = UdpSocket::unbound();
  if (auto* e = std::get_if<std::string>(&sock)) return *e;
  const UdpSocket& s = std::get<UdpSocket>(sock);
  const std::string request = "status";
  if (!s.send_to({reinterpret_cast<const std::uint8_t*>(request.data()), request.size()}, std::get<Endpoint>(ep).addr)) {
    return endpoint + ": send failed: " + std::strerror(errno);
  }
  pollfd pfd{s.fd(), POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return endpoint + ": no answer within " + std::to_string(timeout_ms) + " ms";
  std::array<char, 65536> buf{};
  const ssize_t n = ::recv(s.fd(), buf.data(), buf.size(), 0);
  if (n <= 0) return endpoint + ": receive failed: " + std::strerror(errno);
  auto j = nlohmann::json::parse(buf.data(), buf.data() + n, nullptr, false);
  if (j.is_discarded()) return endpoint + ": answer is not JSON";
  return j;
}

}  // namespace clocksim::daemon
