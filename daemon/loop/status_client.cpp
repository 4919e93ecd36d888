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
#include "daemon/loop/status_pages.hpp"
#include "node/loop/json_text.hpp"

namespace clocksim::daemon {

namespace {
// The largest UDP payload over IPv4: the most a status request can be padded to.
constexpr std::size_t kMaxUdpPayloadBytes = 65507;

using Answer = std::variant<nlohmann::json, std::string>;

// The answer as the daemon sent it, an {"error": ...} object included. A datagram longer than the
// buffer is reported, never parsed cut short.
Answer await_json(int fd, const std::string& endpoint, int timeout_ms) {
  pollfd pfd{fd, POLLIN, 0};
  if (::poll(&pfd, 1, timeout_ms) <= 0) return endpoint + ": no answer within " + std::to_string(timeout_ms) + " ms";
  std::vector<char> buf(ControlSocket::kMaxReplyBytes + 1);
  const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_TRUNC);
  if (n < 0) return endpoint + ": receive failed: " + std::strerror(errno);
  if (n == 0) return endpoint + ": empty answer";
  if (static_cast<std::size_t>(n) > buf.size()) {
    return endpoint + ": answer of " + std::to_string(n) + " bytes is longer than a status page may be (" +
           std::to_string(ControlSocket::kMaxReplyBytes) + "); not read";
  }
  auto j = nlohmann::json::parse(buf.data(), buf.data() + n, nullptr, false);
  if (j.is_discarded()) return endpoint + ": answer is not JSON";
  return j;
}

Answer as_answer(Answer got, const std::string& endpoint) {
  if (auto* j = std::get_if<nlohmann::json>(&got); j && j->is_object() && j->contains("error")) {
    return endpoint + ": " + node::json_text((*j)["error"]);
  }
  return got;
}

// The request size a UDP status socket asks for in {"error":"pad the request to N bytes"}.
std::optional<std::size_t> padding_asked(const Answer& got) {
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

std::string request_text(std::size_t peers_from) {
  return peers_from == 0 ? std::string("status") : "status " + std::to_string(peers_from);
}

// Asks for every page, from the first (`ask(0)`) on, and puts the answer together. An answer
// without "page" (a daemon that does not page) is whole as it is.
template <class Ask>
Answer collect_pages(const std::string& endpoint, Ask ask) {
  Answer first = as_answer(ask(0), endpoint);
  auto* j = std::get_if<nlohmann::json>(&first);
  if (j == nullptr || !j->is_object() || !j->contains("page")) return first;
  StatusPages pages(std::move(*j));
  if (auto e = pages.problem()) return endpoint + ": " + *e;
  while (const auto next = pages.next()) {
    Answer page = as_answer(ask(*next), endpoint);
    if (auto* e = std::get_if<std::string>(&page)) return *e + " (asking for the page from member " + std::to_string(*next) + ")";
    if (auto e = pages.add(std::get<nlohmann::json>(page))) return endpoint + ": " + *e;
  }
  return pages.result();
}

Answer query_unix(const std::string& path, int timeout_ms) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return path + ": socket: " + std::strerror(errno);
  // Autobind: the kernel gives this socket a unique abstract address the daemon can answer to.
  sockaddr_un self{};
  self.sun_family = AF_UNIX;
  Answer result;
  sockaddr_un to{};
  to.sun_family = AF_UNIX;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&self), sizeof(sa_family_t)) != 0) {
    result = path + ": bind: " + std::strerror(errno);
  } else if (path.size() >= sizeof to.sun_path) {
    result = path + ": path too long";
  } else {
    std::memcpy(to.sun_path, path.c_str(), path.size() + 1);
    result = collect_pages(path, [&](std::size_t peers_from) -> Answer {
      const std::string request = request_text(peers_from);
      if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
        return path + ": send failed: " + std::strerror(errno);
      }
      return await_json(fd, path, timeout_ms);
    });
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
  const auto& to = std::get<Endpoint>(ep).addr;
  return collect_pages(endpoint, [&](std::size_t peers_from) -> Answer {
    // Padded: the daemon never answers with more bytes than it was sent (no amplification), and
    // fills a page up to the request's size. The first request is the usual 8192 bytes; a cluster
    // whose answer goes on asks for the rest with the largest request, in as few pages as can be.
    // When even one member does not fit, the daemon says how much it needs, and the request is
    // sent once more with that much and some room for counters that grew meanwhile.
    // A later page that gets no answer is asked for again, twice: the daemon answers only so many
    // UDP requests a second, and a very large cluster's pages may outrun that.
    std::size_t size = peers_from == 0 ? ControlSocket::kUdpRequestSize : kMaxUdpPayloadBytes;
    const std::string text = request_text(peers_from);
    bool padded = false;
    int unanswered = 0;
    while (true) {
      std::vector<std::uint8_t> request(size, 0);
      std::memcpy(request.data(), text.data(), text.size());
      if (!s.send_to(request, to)) return endpoint + ": send failed: " + std::strerror(errno);
      pollfd pfd{s.fd(), POLLIN, 0};
      if (peers_from > 0 && ::poll(&pfd, 1, timeout_ms) == 0) {
        if (++unanswered < 3) continue;
        return endpoint + ": no answer within " + std::to_string(timeout_ms) + " ms, three times";
      }
      auto got = await_json(s.fd(), endpoint, timeout_ms);
      const auto asked = padding_asked(got);
      if (!padded && asked && *asked > size && *asked <= kMaxUdpPayloadBytes) {
        size = std::min(*asked + 1024, kMaxUdpPayloadBytes);
        padded = true;
        continue;
      }
      return got;
    }
  });
}

}  // namespace clocksim::daemon
