#include "daemon/loop/endpoint.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>

namespace clocksim::daemon {
namespace {

Endpoint endpoint(const std::string& text) {
  auto e = parse_endpoint(text);
  if (auto* error = std::get_if<std::string>(&e)) ADD_FAILURE() << text << ": " << *error;
  return std::holds_alternative<Endpoint>(e) ? std::get<Endpoint>(e) : Endpoint{};
}

TEST(Endpoint, ParsesDottedQuadAndLocalhost) {
  const Endpoint e = endpoint("127.0.0.1:5525");
  EXPECT_EQ(e.addr.family(), AF_INET);
  EXPECT_EQ(e.addr.port(), 5525);
  EXPECT_EQ(e.addr.to_string(), "127.0.0.1:5525");
  EXPECT_TRUE(e.addr.is_loopback());
  // A name with an IPv4 address takes it, whatever order the resolver gives.
  const Endpoint l = endpoint("localhost:0");
  EXPECT_EQ(l.addr.to_string(), "127.0.0.1:0");
  EXPECT_FALSE(endpoint("10.1.2.3:9").addr.is_loopback());
}

TEST(Endpoint, ParsesBracketedIpv6) {
  const Endpoint e = endpoint("[::1]:5525");
  EXPECT_EQ(e.addr.family(), AF_INET6);
  EXPECT_EQ(e.addr.port(), 5525);
  EXPECT_EQ(e.addr.to_string(), "[::1]:5525");
  EXPECT_TRUE(e.addr.is_loopback());
  EXPECT_EQ(endpoint("[2001:db8::17]:123").addr.to_string(), "[2001:db8::17]:123");
  EXPECT_FALSE(endpoint("[2001:db8::17]:123").addr.is_loopback());
  EXPECT_EQ(endpoint("[::]:0").addr.to_string(), "[::]:0");
  // An IPv4-mapped loopback is a loopback.
  EXPECT_TRUE(endpoint("[::ffff:127.0.0.2]:1").addr.is_loopback());
  EXPECT_FALSE(endpoint("[::ffff:10.0.0.1]:1").addr.is_loopback());
}

TEST(Endpoint, AddressesCompareByFamilyAddressAndPort) {
  EXPECT_EQ(endpoint("[::1]:5").addr, endpoint("[0:0::1]:5").addr);
  EXPECT_NE(endpoint("[::1]:5").addr, endpoint("[::1]:6").addr);
  EXPECT_NE(endpoint("[::1]:5").addr, endpoint("[::2]:5").addr);
  EXPECT_NE(endpoint("[::ffff:127.0.0.1]:5").addr, endpoint("127.0.0.1:5").addr);
  EXPECT_EQ(endpoint("127.0.0.1:5").addr, endpoint("127.0.0.1:5").addr);
  EXPECT_NE(endpoint("127.0.0.1:5").addr, endpoint("127.0.0.2:5").addr);
}

// Whether two of a daemon's sockets would fight over one port: by the resolved address, with
// wildcards covering their version ([::] both), and never for port 0 (any free port).
TEST(Endpoint, BindsSamePortAsComparesResolvedAddressesAndWildcards) {
  const auto same = [](const char* a, const char* b) {
    const bool ab = endpoint(a).addr.binds_same_port_as(endpoint(b).addr);
    EXPECT_EQ(ab, endpoint(b).addr.binds_same_port_as(endpoint(a).addr)) << a << " " << b;
    return ab;
  };
  EXPECT_TRUE(same("127.0.0.1:5", "localhost:5"));
  EXPECT_TRUE(same("127.0.0.1:5", "127.1:5"));
  EXPECT_TRUE(same("0.0.0.0:5", "127.0.0.1:5"));
  EXPECT_TRUE(same("[::]:5", "127.0.0.1:5"));
  EXPECT_TRUE(same("[::]:5", "[::1]:5"));
  EXPECT_TRUE(same("[::1]:5", "[0:0::1]:5"));
  EXPECT_FALSE(same("0.0.0.0:5", "[::1]:5"));
  EXPECT_FALSE(same("127.0.0.1:5", "127.0.0.1:6"));
  EXPECT_FALSE(same("127.0.0.1:5", "127.0.0.2:5"));
  EXPECT_FALSE(same("127.0.0.1:0", "127.0.0.1:0"));
  EXPECT_FALSE(same("[::]:0", "127.0.0.1:0"));
}

TEST(Endpoint, RejectsWithTheTextAndTheExpectedForm) {
  for (const char* bad : {"127.0.0.1", ":5525", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:55x", "127.0.0.1:99999999999",
                          "::1:5525", "[::1]", "[]:5525", "[127.0.0.1]:5525", "[::g]:5525", "[::1:5525", "::1]:5525"}) {
    auto e = parse_endpoint(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(e)) << bad;
    EXPECT_NE(std::get<std::string>(e).find(bad), std::string::npos) << std::get<std::string>(e);
  }
  EXPECT_NE(std::get<std::string>(parse_endpoint("::1:5525")).find("in brackets, e.g. [::1]:5525"), std::string::npos);
  EXPECT_NE(std::get<std::string>(parse_destination("[::1]:0")).find("port 0 is no destination"), std::string::npos);
}

// A bind address is a parse_endpoint address that a socket can take: not IPv4-mapped, which a
// socket bound to a given IPv6 address (IPv6 only) cannot bind. A destination may be mapped.
TEST(Endpoint, BindAddressesAreNotIpv4Mapped) {
  auto e = parse_bind_address("[::ffff:127.0.0.1]:5525");
  ASSERT_TRUE(std::holds_alternative<std::string>(e));
  EXPECT_NE(std::get<std::string>(e).find("write it as 127.0.0.1:5525"), std::string::npos) << std::get<std::string>(e);
  // What the check refuses is exactly what bind_to cannot bind.
  auto sock = UdpSocket::bind_to(endpoint("[::ffff:127.0.0.1]:0"));
  ASSERT_TRUE(std::holds_alternative<std::string>(sock));
  for (const char* ok : {"127.0.0.1:0", "[::1]:0", "[::]:0", "0.0.0.0:0"}) {
    auto b = parse_bind_address(ok);
    ASSERT_TRUE(std::holds_alternative<Endpoint>(b)) << ok;
    EXPECT_TRUE(std::holds_alternative<UdpSocket>(UdpSocket::bind_to(std::get<Endpoint>(b)))) << ok;
  }
  EXPECT_TRUE(std::holds_alternative<Endpoint>(parse_destination("[::ffff:127.0.0.1]:5525")));
  EXPECT_EQ(endpoint("[::ffff:192.0.2.7]:9").addr.unmapped().to_string(), "192.0.2.7:9");
}

// RFC 5905, 7.3: an IPv4 server's reference id is its address; an IPv6 one's the first four
// octets of the MD5 digest of its 16 address octets (for ::1 computed apart from this code:
// python3 -c "import hashlib; print(hashlib.md5(bytes(15) + b'\x01').hexdigest()[:8])").
TEST(Endpoint, NtpReferenceIds) {
  EXPECT_EQ(endpoint("192.0.2.7:123").addr.ntp_reference_id(), 0xC0000207u);
  EXPECT_EQ(endpoint("[::1]:123").addr.ntp_reference_id(), 0xCF404DC8u);
  // An IPv4 server reached from a dual-stack socket keeps its IPv4 reference id.
  EXPECT_EQ(endpoint("192.0.2.7:123").addr.mapped_to_ipv6().ntp_reference_id(), 0xC0000207u);
  EXPECT_EQ(endpoint("[::ffff:192.0.2.7]:123").addr.ntp_reference_id(), 0xC0000207u);
}

// Which addresses a socket reaches: its own IP version; both from the IPv6 wildcard, IPv4 ones in
// their IPv4-mapped form; a mix otherwise is an error naming both.
TEST(Endpoint, ReachableFromOneVersionOrFromTheDualStackWildcard) {
  auto reach = [](const std::string& local, const std::string& remote) { return reachable_from(endpoint(local), endpoint(remote)); };
  const auto mapped = reach("[::]:5525", "127.0.0.1:5526");
  ASSERT_TRUE(std::holds_alternative<Endpoint>(mapped)) << std::get<std::string>(mapped);
  EXPECT_EQ(std::get<Endpoint>(mapped).addr.to_string(), "[::ffff:127.0.0.1]:5526");
  EXPECT_EQ(std::get<Endpoint>(mapped).text, "127.0.0.1:5526");
  EXPECT_TRUE(std::get<Endpoint>(mapped).addr.is_loopback());
  EXPECT_EQ(std::get<Endpoint>(mapped).addr, endpoint("[::ffff:127.0.0.1]:5526").addr);
  EXPECT_EQ(std::get<Endpoint>(reach("[::]:5525", "[::1]:5526")).addr.to_string(), "[::1]:5526");
  EXPECT_EQ(std::get<Endpoint>(reach("127.0.0.1:5525", "127.0.0.2:5526")).addr.to_string(), "127.0.0.2:5526");
  EXPECT_EQ(std::get<std::string>(reach("[::1]:5525", "127.0.0.1:5526")),
            "127.0.0.1:5526 is IPv4 but [::1]:5525, the socket it is reached from, is IPv6 only; give addresses of one IP "
            "version, or bind to [::] to speak both");
  EXPECT_EQ(std::get<std::string>(reach("0.0.0.0:5525", "[::1]:5526")),
            "[::1]:5526 is IPv6 but 0.0.0.0:5525, the socket it is reached from, is IPv4; give addresses of one IP "
            "version, or bind to [::] to speak both");
  EXPECT_TRUE(endpoint("[::]:1").addr.is_ipv6_any());
  EXPECT_FALSE(endpoint("[::1]:1").addr.is_ipv6_any());
  EXPECT_FALSE(endpoint("0.0.0.0:1").addr.is_ipv6_any());
}

TEST(UdpSocket, BindsAnEphemeralPortAndReportsBusyPorts) {
  for (const char* any : {"127.0.0.1", "[::1]"}) {
    SCOPED_TRACE(any);
    auto a = UdpSocket::bind_to(endpoint(std::string(any) + ":0"));
    ASSERT_TRUE(std::holds_alternative<UdpSocket>(a)) << std::get<std::string>(a);
    const auto port = std::get<UdpSocket>(a).local_port();
    EXPECT_NE(port, 0);
    auto b = UdpSocket::bind_to(endpoint(std::string(any) + ":" + std::to_string(port)));
    ASSERT_TRUE(std::holds_alternative<std::string>(b));
    EXPECT_NE(std::get<std::string>(b).find("cannot bind"), std::string::npos);
  }
}

// A datagram over IPv6 loopback arrives with its sender's address.
TEST(UdpSocket, SendsAndReceivesOverIpv6) {
  auto server = UdpSocket::bind_to(endpoint("[::1]:0"));
  auto client = UdpSocket::bind_to(endpoint("[::1]:0"));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(server) && std::holds_alternative<UdpSocket>(client));
  const UdpSocket& s = std::get<UdpSocket>(server);
  const UdpSocket& c = std::get<UdpSocket>(client);
  const std::array<std::uint8_t, 3> hello{1, 2, 3};
  ASSERT_TRUE(c.send_to(hello, endpoint("[::1]:" + std::to_string(s.local_port())).addr));
  std::array<std::uint8_t, 16> buf{};
  pollfd ready{s.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 5000), 1);
  const std::optional<UdpSocket::Received> got = s.receive(buf);
  ASSERT_TRUE(got && got->from);
  EXPECT_EQ(got->length, 3u);
  EXPECT_EQ(got->from->to_string(), "[::1]:" + std::to_string(c.local_port()));
}

// A socket bound to [::] takes datagrams from IPv4 and IPv6 senders, and answers each at the
// address it came from; an IPv4 peer as configured (reachable_from) is that same address.
TEST(UdpSocket, TheIpv6WildcardSpeaksBothVersions) {
  auto dual_or = UdpSocket::bind_to(endpoint("[::]:0"));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(dual_or)) << std::get<std::string>(dual_or);
  const UdpSocket& dual = std::get<UdpSocket>(dual_or);
  const std::string port = std::to_string(dual.local_port());
  for (const char* host : {"127.0.0.1", "[::1]"}) {
    SCOPED_TRACE(host);
    auto peer_or = UdpSocket::bind_to(endpoint(std::string(host) + ":0"));
    ASSERT_TRUE(std::holds_alternative<UdpSocket>(peer_or));
    const UdpSocket& peer = std::get<UdpSocket>(peer_or);
    const std::array<std::uint8_t, 2> ping{7, 8};
    ASSERT_TRUE(peer.send_to(ping, endpoint(std::string(host) + ":" + port).addr));
    std::array<std::uint8_t, 16> buf{};
    pollfd ready{dual.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&ready, 1, 5000), 1);
    const auto got = dual.receive(buf);
    ASSERT_TRUE(got && got->from);
    const Endpoint configured = std::get<Endpoint>(
        reachable_from(endpoint("[::]:0"), endpoint(std::string(host) + ":" + std::to_string(peer.local_port()))));
    EXPECT_EQ(*got->from, configured.addr) << got->from->to_string();
    ASSERT_TRUE(dual.send_to(ping, configured.addr));
    pollfd back{peer.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&back, 1, 5000), 1);
    EXPECT_TRUE(peer.receive(buf));
  }
}

}  // namespace
}  // namespace clocksim::daemon
