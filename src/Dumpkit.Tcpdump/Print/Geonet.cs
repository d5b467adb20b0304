// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>ETSI GeoNetworking (ethertypes 0x8947 and the old 0x0707): common header, BTP and ITS PDU header.</summary>
/// <remarks>Specification: ETSI EN 302 636-4-1 (GeoNetworking) and EN 302 636-5-1 (BTP).</remarks>
internal static class Geonet
{
    public static void Print(PrintContext nd, int bp, int length, int srcMac)
    {
        nd.Proto = "geonet";
        nd.Print("GeoNet ");
        if (srcMac >= 0) { nd.Print("src:"); nd.Mac(srcMac); }
        nd.Print("; ");
        if (length < 36)
        {
            nd.Print($" (common header length {(uint)length} < 36)");
            nd.PrintInvalid();
            return;
        }
        int b0 = nd.U8(bp), b1 = nd.U8(bp + 1);
        int version = b0 >> 4, nextHdr = b0 & 0x0f, hdrType = b1 >> 4, sub = b1 & 0x0f;
        int payload = nd.Be16(bp + 4), hopLimit = nd.U8(bp + 7);
        string nh = nextHdr switch { 0 => "Any", 1 => "BTP-A", 2 => "BTP-B", 3 => "IPv6", _ => "Unknown" };
        string ht = (hdrType, sub) switch
        {
            (0, _) => "Any", (1, _) => "Beacon", (2, _) => "GeoUnicast",
            (3, 0) => "GeoAnycastCircle", (3, 1) => "GeoAnycastRect", (3, 2) => "GeoAnycastElipse",
            (4, 0) => "GeoBroadcastCircle", (4, 1) => "GeoBroadcastRect", (4, 2) => "GeoBroadcastElipse",
            (5, 0) => "TopoScopeBcast-SH", (5, 1) => "TopoScopeBcast-MH",
            (6, 0) => "LocService-Request", (6, 1) => "LocService-Reply",
            _ => "Unknown",
        };
        nd.Print($"v:{version} ");
        nd.Print($"NH:{nextHdr}-{nh} ");
        nd.Print($"HT:{hdrType}-{sub}-{ht} ");
        nd.Print($"HopLim:{hopLimit} ");
        nd.Print($"Payload:{payload} ");
        nd.Check(bp + 8, 8);
        nd.Print("GN_ADDR:");
        nd.HexColon(bp + 8, 8);
        nd.Print(" ");
        nd.Print($"lat:{nd.Be32(bp + 20)} ");
        nd.Print($"lon:{nd.Be32(bp + 24)}");
        nd.Check(bp, 36);
        length -= 36;
        bp += 36;
        int hdrSize = (hdrType, sub) switch { (0, _) => 0, (1, _) => 0, (5, 0) => 0, (5, 1) => 32, _ => -1 };
        if (hdrSize >= 0)
        {
            if ((uint)length < (uint)hdrSize)
            {
                nd.Print($" (header size {hdrSize} > {(uint)length})");
                nd.PrintInvalid();
                return;
            }
            nd.Check(bp, hdrSize);
            length -= hdrSize;
            bp += hdrSize;
            if (nextHdr is 1 or 2)
            {
                if ((uint)length < 4)
                {
                    nd.Print($" (BTP length {(uint)length} < 4)");
                    nd.PrintInvalid();
                    return;
                }
                nd.Print($"; BTP Dst:{nd.Be16(bp)}");
                nd.Print($" Src:{nd.Be16(bp + 2)}");
                length -= 4;
                bp += 4;
                if ((uint)length >= 2)
                {
                    nd.Print($"; ItsPduHeader v:{nd.U8(bp)}");
                    int mt = nd.U8(bp + 1);
                    string? mn = mt switch
                    {
                        0 => "CAM", 1 => "DENM", 101 => "TPEGM", 102 => "TSPDM", 103 => "VPM", 104 => "SRM", 105 => "SLAM",
                        106 => "ecoCAM", 107 => "ITM", 150 => "SA", _ => null,
                    };
                    nd.Print($" t:{mt}-{mn ?? $"unknown ({mt})"}");
                }
            }
        }
        if (nd.Verbose > 0) HexDump.HexAscii(nd, "\n\t", bp, length);
    }
}
