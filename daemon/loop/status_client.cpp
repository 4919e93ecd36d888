#include "daemon/loop/status_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "daemon/loop/control_socket.hpp"
#include "daemon/loop/endpoint.hpp"
#include "node/loop/json_text.hpp"

namespace clocksim::daemon {

namespace {
// The largest UDP payload over IPv4: the most a status request can be padded to.
constexpr std::size_t kMaxUdpPayloadBytes = 65507;

// The answer as the daemon sent it, an {"error": ...} object included.
std::variant<nlohmann::json, std::string> await_json(int fd, const std::string& endpoint, int timeout_ms) {
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return endpoint + ": no answer within " + std::to_string(timeout_ms) + " ms";
  std::vector<char> buf(65536);
  const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  if (n < 0) return endpoint + ": receive failed: " + std::strerror(errno);
  if (n == 0) return endpoint + ": empty answer";
  auto j = nlohmann::json::parse(buf.data(), buf.data() + n, nullptr, false);
  if (j.is_discarded()) return endpoint + ": answer is not JSON";
  return j;
}

std::variant<nlohmann::json, std::string> as_answer(std::variant<nlohmann::json, std::string> got, const std::string& endpoint) {
  if (auto* j = std::get_if<nlohmann::json>(&got); j && j->is_object() && j->contains("error")) {
    return endpoint + ": " + node::json_text((*j)["error"]);
  }
  return got;
}

std::variant<nlohmann::json, std::string> await_answer(int fd, const std::string& endpoint, int timeout_ms) {
  return as_answer(await_json(fd, endpoint, timeout_ms), endpoint);
}

// The request size a UDP status socket asks for in {"error":"pad the request to N bytes"}.
std::optional<std::size_t> padding_asked(const std::variant<nlohmann::json, std::string>& got) {
  const auto* j = std::get_if<nlohmann::json>(&got);
  if (j == nullptr || !j->is_object() || !j->contains("error") || !(*j)["error"].is_string()) return std::nullopt;
  const std::string& text = (*j)["error"].get_ref<const std::string&>();
  static constexpr std::string_view kPrefix = "pad the request to ";
  if (text.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::size_t bytes = 0;
  const char* first = text.data() + kPrefix.size();
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), bytes);
  if (ec != std::errc() || end == first) return std::nullopt;
  return bytes;
}

std::variant<nlohmann::json, std::string> query_unix(const std::string& path, int timeout_ms) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return path + ": socket: " + std::strerror(errno);
  // Autobind: the kernel gives this socket a unique abstract address the daemon can answer to.
  sockaddr_un self{};
  self.sun_family = AF_UNIX;
  std::variant<nlohmann::json, std::string> result;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&self), sizeof(sa_family_t)) != 0) {
    result = path + ": bind: " + std::strerror(errno);
  } else {
    sockaddr_un to{};
    to.sun_family = AF_UNIX;
    if (path.size() >= sizeof to.sun_path) {
      result = path + ": path too long";
    } else {
      std::memcpy(to.sun_path, path.c_str(), path.size() + 1);
      static const char kRequest[] = "status";
      if (::sendto(fd, kRequest, sizeof kRequest - 1, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
        result = path + ": send failed: " + std::strerror(errno);
      } else {
        result = await_answer(fd, path, timeout_ms);
      }
    }
  }
  ::close(fd);
  return result;
}
}  // namespace

bool names_unix_socket(const std::string& endpoint) {
  // HOST:PORT always has a colon; a path may have none (node1.sock in the working directory).
  if (endpoint.find('/') != std::string::npos || endpoint.find(':') == std::string::npos) return true;
  struct stat st {};
  return ::stat(endpoint.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

std::variant<nlohmann::json, std::string> query_status(const std::string& endpoint, int timeout_ms) {
  if (names_unix_socket(endpoint)) return query_unix(endpoint, timeout_ms);
  auto ep = parse_destination(endpoint);
  if (auto* e = std::get_if<std::string>(&ep)) return *e;
  auto sock = UdpSocket::unbound(std::get<Endpoint>(ep).addr.family());
  if (auto* e = std::get_if<std::string>(&sock)) return *e;
  const UdpSocket& s = std::get<UdpSocket>(sock);
  // Padded: the daemon never answers with more bytes than it was sent (no amplification). A larger
  // cluster's answer may not fit in the usual padding; the daemon then says how much it needs, and
  // the request is sent once more with that much and some room for counters that grew meanwhile.
  std::size_t size = ControlSocket::kUdpRequestSize;
  for (int attempt = 0;; ++attempt) {
    std::vector<std::uint8_t> request(size, 0);
    std::memcpy(request.data(), "status", 6);
    if (!s.send_to(request, std::get<Endpoint>(ep).addr)) {
      return endpoint + ": send failed: " + std::strerror(errno);
    }
    auto got = await_json(s.fd(), endpoint, timeout_ms);
    const auto asked = padding_asked(got);
    if (attempt == 0 && asked && *asked > size && *asked <= kMaxUdpPayloadBytes) {
      size = std::min(*asked + 1024, kMaxUdpPayloadBytes);
      continue;
    }
    return as_answer(std::move(got), endpoint);
  }
}

}  // namespace clocksim::daemon
