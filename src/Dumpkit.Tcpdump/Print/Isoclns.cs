// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OSI network layer demultiplexing by NLPID (isoclns). CLNP, ES-IS and IS-IS PDUs themselves are not decoded
/// yet: they print their NLPID name, length and a hex dump.</summary>
/// <remarks>Specification: ISO/IEC TR 9577 (NLPIDs).</remarks>
internal static class Isoclns
{
    public static void Print(PrintContext nd, int p, int length)
    {
        nd.Proto = "isoclns";
        int nlpid = nd.U8(p);
        bool e = nd.Settings.LinkHeader;
        if (e) nd.Print($"OSI NLPID {Fr.NlpidName(nlpid) ?? "Unknown"} (0x{nlpid:x2}): ");
        switch (nlpid)
        {
            case 0x81:
            case 0x82:
            case 0x83:
                nd.Print($"{Fr.NlpidName(nlpid)}, length {(uint)length}");
                HexDump.UnknownData(nd, p, "\n\t", length);
                break;
            case 0x00:
                nd.Print($"{(e ? "" : ", ")}length: {(uint)length}");
                break;
            case 0x08: Fr.Q933(nd, p + 1, length - 1); break;
            case 0xcc: Ip.Print(nd, p + 1, length - 1); break;
            case 0x8e: Ip6.Print(nd, p + 1, length - 1); break;
            case 0xcf: Ppp.Print(nd, p + 1, length - 1); break;
            default:
                if (!e) nd.Print($"OSI NLPID 0x{nlpid:x2} unknown");
                nd.Print($"{(e ? "" : ", ")}length: {(uint)length}");
                if (length > 1) HexDump.UnknownData(nd, p, "\n\t", length);
                break;
        }
    }
}
