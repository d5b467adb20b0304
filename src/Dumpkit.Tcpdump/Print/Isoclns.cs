// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>OSI network layer demultiplexing by NLPID (isoclns): CLNP (<see cref="Clnp"/>), ES-IS (<see cref="Esis"/>),
/// IS-IS (<see cref="Isis"/>), and the IP, IPv6, PPP and Q.933 payloads that share the NLPID space.</summary>
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
                if (!Clnp.Print(nd, p, (uint)length)) Osi.Unknown(nd, p, "\n\t", (uint)length);
                break;
            case 0x82: Esis.Print(nd, p, (uint)length); break;
            case 0x83:
                if (!Isis.Print(nd, p, (uint)length)) Osi.Unknown(nd, p, "\n\t", (uint)length);
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
                if ((uint)length > 1) Osi.Unknown(nd, p, "\n\t", (uint)length);
                break;
        }
    }

    /// <summary>Ethertype 0xfefe on Ethernet: one byte before the NLPID.</summary>
    public static void EtherIso(PrintContext nd, int p, int length, int caplen)
    {
        if (length == 0 || caplen == 0)
        {
            nd.Proto = "isoclns";
            nd.PrintTrunc();
            return;
        }
        nd.Check(p, 1);
        Print(nd, p + 1, length - 1);
    }

    /// <summary>Cisco HDLC's 0xfefe: the PDU follows a pad byte when the second byte is a CLNP, ES-IS or IS-IS NLPID.</summary>
    public static void ChdlcIso(PrintContext nd, int p, int length)
    {
        int second = nd.U8(p + 1);
        if (second is 0x81 or 0x82 or 0x83) Print(nd, p + 1, length - 1);
        else Print(nd, p, length);
    }
}
