package dev.chatserver.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The X-Forwarded-For rule: only a trusted peer's header counts, read from the right, garbage never becomes an IP. */
class TrustedProxiesTest {
    private static final TrustedProxies NGINX_AND_LB = TrustedProxies.parse(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

    private static InetSocketAddress peer(String ip) {
        return new InetSocketAddress(ip, 40000);
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() {
        assertEquals("198.51.100.9", NGINX_AND_LB.clientIp(peer("198.51.100.9"), List.of("203.0.113.7")));
        assertEquals("127.0.0.1", TrustedProxies.NONE.clientIp(peer("127.0.0.1"), List.of("203.0.113.7")),
                "with no trusted proxy (the default) the header never counts");
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        // the client forged a first hop; nginx appended the real client; a load balancer in 10/8 appended nginx
        assertEquals("203.0.113.7", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of("1.1.1.1, 203.0.113.7, 10.1.2.3")));
        assertEquals("203.0.113.7", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of("1.1.1.1", "203.0.113.7")),
                "several headers are one list");
        assertEquals("203.0.113.7", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of("203.0.113.7:51000")), "a port is dropped");
    }

    @Test
    void aTrustedPeerWithoutTheHeaderIsTheClient() {
        assertEquals("127.0.0.1", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of()));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertEquals("10.0.0.5", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of("10.0.0.5, 10.0.0.6")));
    }

    @Test
    void aHopThatIsNotAnAddressStopsTheWalkAtTheLastTrustedHop() {
        assertEquals("10.0.0.6", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of("203.0.113.7, unknown, 10.0.0.6")));
        assertEquals("127.0.0.1", NGINX_AND_LB.clientIp(peer("127.0.0.1"), List.of("<script>")),
                "garbage is never taken as an IP");
    }

    @Test
    void ipv6IsMatchedByPrefixAndReturnedInCanonicalForm() {
        assertEquals("2001:db8:0:0:0:0:0:1", NGINX_AND_LB.clientIp(peer("fd12::1"), List.of("[2001:db8::1]:443")));
        assertTrue(TrustedProxies.parse(List.of("::1")).trusts(peer("0:0:0:0:0:0:0:1").getAddress()));
        assertFalse(NGINX_AND_LB.trusts(peer("11.0.0.1").getAddress()));
    }

    @Test
    void aBadEntryIsRefusedWithItsText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("nginx.local")));
        assertTrue(e.getMessage().contains("nginx.local"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/x")));
    }
}
