// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// The object identifier names the SNMP printer uses without -n, as tcpdump 4.99 built without libsmi has them compiled in:
/// the internet subtree with MIB-II's groups and objects, the old enterprise numbers, the SNMPv3 framework, MPD and USM
/// modules, and the OID prefixes abbreviated to "" (mib-2), "E:" (enterprises), "X:" (experimental) and "S:" (snmpModules).
/// The set of nodes was found by printing generated OIDs under every node with Debian's tcpdump 4.99.3.
/// </summary>
/// <remarks>Specification: RFC 1155 (SMI: iso.org.dod.internet and its subtrees), RFC 1213 (MIB-II: system, interfaces,
/// at, ip, icmp, tcp, udp, egp, transmission, snmp), RFC 1156 (the "mib" name of 1.3.6.1.2.1), the IANA private enterprise
/// numbers 1 to 101 and 136 under their early names, RFC 3411 (SNMP-FRAMEWORK-MIB), RFC 3412 (SNMP-MPD-MIB),
/// RFC 3414 (SNMP-USER-BASED-SM-MIB).</remarks>
internal static class SnmpMib
{
    /// <summary>One node: its sub-identifier under its parent, its name and its children (empty for a leaf).</summary>
    internal sealed class Node(uint sub, string name)
    {
        public uint Sub { get; } = sub;
        public string Name { get; } = name;
        public Node[] Children { get; set; } = [];

        /// <summary>The child numbered sub, or null.</summary>
        public static Node? Find(Node[]? level, uint sub)
        {
            if (level == null) return null;
            foreach (var n in level)
                if (n.Sub == sub) return n;
            return null;
        }
    }

    /// <summary>A prefix printed in place of the OID's first sub-identifiers (BER-encoded) and the node they lead to.</summary>
    internal readonly record struct Abbreviation(string Prefix, byte[] Encoded, Node Node);

    // Each entry: a node's name, then its children in sub-identifier order; @N sets the next child's sub-identifier,
    // which otherwise follows the previous one. The first entry ("") lists the top of the tree.
    private static readonly string[] Table =
    [
        ": @1 iso",
        "iso: @3 org",
        "org: @6 dod",
        "dod: @1 internet",
        "internet: @1 directory mgmt experimental private security snmpV2",
        "mgmt: @1 mib",
        "mib: @1 system interfaces at ip icmp tcp udp egp @10 transmission snmp",
        "system: @1 sysDescr sysObjectID sysUpTime sysContact sysName sysLocation sysServices",
        "interfaces: @1 ifNumber ifTable",
        "ifTable: @1 ifEntry",
        "ifEntry: @1 ifIndex ifDescr ifType ifMtu ifSpeed ifPhysAddress ifAdminStatus ifOperStatus ifLastChange ifInOctets ifInUcastPkts" +
            " ifInNUcastPkts ifInDiscards ifInErrors ifInUnknownProtos ifOutOctets ifOutUcastPkts ifOutNUcastPkts ifOutDiscards ifOutErrors" +
            " ifOutQLen ifSpecific",
        "at: @1 atTable",
        "atTable: @1 atEntry",
        "atEntry: @1 atIfIndex atPhysAddress atNetAddress",
        "ip: @1 ipForwarding ipDefaultTTL ipInReceives ipInHdrErrors ipInAddrErrors ipForwDatagrams ipInUnknownProtos ipInDiscards ipInDelivers" +
            " ipOutRequests ipOutDiscards ipOutNoRoutes ipReasmTimeout ipReasmReqds ipReasmOKs ipReasmFails ipFragOKs ipFragFails ipFragCreates" +
            " ipAddrTable ipRoutingTable ipNetToMediaTable",
        "ipAddrTable: @1 ipAddrEntry",
        "ipAddrEntry: @1 ipAdEntAddr ipAdEntIfIndex ipAdEntNetMask ipAdEntBcastAddr ipAdEntReasmMaxSize",
        "ipRoutingTable: @1 ipRouteEntry",
        "ipRouteEntry: @1 ipRouteDest ipRouteIfIndex ipRouteMetric1 ipRouteMetric2 ipRouteMetric3 ipRouteMetric4 ipRouteNextHop ipRouteType" +
            " ipRouteProto ipRouteAge ipRouteMask",
        "ipNetToMediaTable: @1 ipNetToMediaEntry",
        "ipNetToMediaEntry: @1 ipNetToMediaIfIndex ipNetToMediaPhysAddress ipNetToMediaNetAddress ipNetToMediaType",
        "icmp: @1 icmpInMsgs icmpInErrors icmpInDestUnreachs icmpInTimeExcds icmpInParmProbs icmpInSrcQuenchs icmpInRedirects icmpInEchos" +
            " icmpInEchoReps icmpInTimestamps icmpInTimestampReps icmpInAddrMasks icmpInAddrMaskReps icmpOutMsgs icmpOutErrors icmpOutDestUnreachs" +
            " icmpOutTimeExcds icmpOutParmProbs icmpOutSrcQuenchs icmpOutRedirects icmpOutEchos icmpOutEchoReps icmpOutTimestamps" +
            " icmpOutTimestampReps icmpOutAddrMasks icmpOutAddrMaskReps",
        "tcp: @1 tcpRtoAlgorithm tcpRtoMin tcpRtoMax tcpMaxConn tcpActiveOpens tcpPassiveOpens tcpAttemptFails tcpEstabResets tcpCurrEstab" +
            " tcpInSegs tcpOutSegs tcpRetransSegs tcpConnTable tcpInErrs tcpOutRsts",
        "tcpConnTable: @1 tcpConnEntry",
        "tcpConnEntry: @1 tcpConnState tcpConnLocalAddress tcpConnLocalPort tcpConnRemAddress tcpConnRemPort",
        "udp: @1 udpInDatagrams udpNoPorts udpInErrors udpOutDatagrams udpTable",
        "udpTable: @1 udpEntry",
        "udpEntry: @1 udpLocalAddress udpLocalPort",
        "egp: @1 egpInMsgs egpInErrors egpOutMsgs egpOutErrors egpNeighTable egpAs",
        "egpNeighTable: @1 egpNeighEntry",
        "egpNeighEntry: @1 egpNeighState egpNeighAddr egpNeighAs egpNeighInMsgs egpNeighInErrs egpNeighOutMsgs egpNeighOutErrs egpNeighInErrMsgs" +
            " egpNeighOutErrMsgs egpNeighStateUps egpNeighStateDowns egpNeighIntervalHello egpNeighIntervalPoll egpNeighMode egpNeighEventTrigger",
        "snmp: @1 snmpInPkts snmpOutPkts snmpInBadVersions snmpInBadCommunityNames snmpInBadCommunityUses snmpInASNParseErrs snmpInBadTypes" +
            " snmpInTooBigs snmpInNoSuchNames snmpInBadValues snmpInReadOnlys snmpInGenErrs snmpInTotalReqVars snmpInTotalSetVars" +
            " snmpInGetRequests snmpInGetNexts snmpInSetRequests snmpInGetResponses snmpInTraps snmpOutTooBigs snmpOutNoSuchNames snmpOutBadValues" +
            " snmpOutReadOnlys snmpOutGenErrs snmpOutGetRequests snmpOutGetNexts snmpOutSetRequests snmpOutGetResponses snmpOutTraps" +
            " snmpEnableAuthTraps",
        "private: @1 enterprises",
        "enterprises: @1 proteon ibm cmu unix acc twg cayman nysernet cisco nsc hp epilogue utennessee bbn xylogics unisys canstar wellfleet trw" +
            " mit eon spartacus excelan spider nsfnet sytek intergraph interlan vitalink ulana nswc santacruzoperation xyplex cray" +
            " bellnorthernresearch dec touch networkresearchcorp baylor nmfeccllnl sri sun 3com cmc synoptics cheyenne prime mcnc chipcom" +
            " opticaldatasystems gated cabletron apollo desktalksystems ssds castlerock mips tgv silicongraphics ubc merit fibercom apple gandalf" +
            " dartmouth davidsystems reuter cornell tmac locus nasa retix boeing att ungermannbass digitalanalysis hplanman netlabs icl auspex" +
            " lannet ncd raycom pirellifocom datability networkappltech link nyu rnd intercon learningtree webstercomputer frontier nokia" +
            " allenbradley cern sigma emergingtech snmpresearch ohiostate ultra @136 ccur",
        "snmpV2: @3 snmpModules",
        "snmpModules: @10 snmpFrameworkMIB snmpMPDMIB @15 snmpUsmMIB",
        "snmpFrameworkMIB: @1 snmpFrameworkAdmin snmpFrameworkMIBObjects snmpFrameworkMIBConformance",
        "snmpFrameworkMIBObjects: @1 snmpEngine",
        "snmpEngine: @1 snmpEngineID snmpEngineBoots snmpEngineTime snmpEngineMaxMessageSize",
        "snmpMPDMIB: @1 snmpMPDAdmin snmpMPDMIBObjects snmpMPDMIBConformance",
        "snmpMPDMIBObjects: @1 snmpMPDStats",
        "snmpMPDStats: @1 snmpUnknownSecurityModels snmpInvalidMsgs snmpUnknownPDUHandlers",
        "snmpMPDMIBConformance: @1 snmpMPDMIBCompliances snmpMPDMIBGroups",
        "snmpUsmMIB: @1 usmMIBObjects usmMIBConformance",
        "usmMIBObjects: @1 usmStats usmUser",
        "usmStats: @1 usmStatsUnsupportedSecLevels usmStatsNotInTimeWindows usmStatsUnknownUserNames usmStatsUnknownEngineIDs usmStatsWrongDigests" +
            " usmStatsDecryptionErrors",
        "usmUser: @1 usmUserSpinLock usmUserTable",
        "usmUserTable: @1 usmUserEntry",
        "usmUserEntry: @1 usmUserEngineID usmUserName usmUserSecurityName usmUserCloneFrom usmUserAuthProtocol usmUserAuthKeyChange" +
            " usmUserOwnAuthKeyChange usmUserPrivProtocol usmUserPrivKeyChange usmUserOwnPrivKeyChange usmUserPublic usmUserStorageType" +
            " usmUserStatus",
        "usmMIBConformance: @1 usmMIBCompliances usmMIBGroups",
    ];

    /// <summary>The top of the tree (tcpdump's mibroot and its siblings).</summary>
    public static Node[] Root { get; }

    /// <summary>The abbreviations, in the order they are tried.</summary>
    public static Abbreviation[] Abbreviations { get; }

    static SnmpMib()
    {
        var byName = new Dictionary<string, Node>(StringComparer.Ordinal);
        var lists = new Dictionary<string, Node[]>(StringComparer.Ordinal);
        foreach (var entry in Table)
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            var children = new List<Node>();
            uint next = 0;
            foreach (var tok in entry[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (tok[0] == '@')
                {
                    next = uint.Parse(tok.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                    continue;
                }
                var n = new Node(next++, tok);
                byName[tok] = n;
                children.Add(n);
            }
            lists[entry[..colon]] = [.. children];
        }
        foreach (var (name, children) in lists)
            if (name.Length > 0) byName[name].Children = children;
        Root = lists[""];
        Abbreviations =
        [
            new("", [0x2b, 6, 1, 2, 1], byName["mib"]),
            new("E:", [0x2b, 6, 1, 4, 1], byName["enterprises"]),
            new("X:", [0x2b, 6, 1, 3], byName["experimental"]),
            new("S:", [0x2b, 6, 1, 6, 3], byName["snmpModules"]),
        ];
    }
}
