// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Telnet (TCP port 23): the IAC commands at the start of a segment, option negotiation and subnegotiation
/// (authentication and encryption suboptions named); with -X and -vvv each command in hex as well.</summary>
/// <remarks>Specification: RFC 854 (commands), RFC 855 (options), RFC 2941 (AUTHENTICATION), RFC 2946 (ENCRYPT);
/// option names as in the Telnet option registry up to NEW-ENVIRON (RFC 1572).</remarks>
internal static class Telnet
{
    private const int Iac = 255, Sb = 250, Se = 240, FirstCommand = 236;

    // commands 236 (EOF) to 255 (IAC)
    private static readonly string[] Commands =
    [
        "EOF", "SUSP", "ABORT", "EOR", "SE", "NOP", "DMARK", "BRK", "IP", "AO", "AYT", "EC", "EL", "GA", "SB",
        "WILL", "WONT", "DO", "DONT", "IAC",
    ];

    private static readonly string[] OptionNames =
    [
        "BINARY", "ECHO", "RCP", "SUPPRESS GO AHEAD", "NAME", "STATUS", "TIMING MARK", "RCTE", "NAOL", "NAOP", "NAOCRD",
        "NAOHTS", "NAOHTD", "NAOFFD", "NAOVTS", "NAOVTD", "NAOLFD", "EXTEND ASCII", "LOGOUT", "BYTE MACRO",
        "DATA ENTRY TERMINAL", "SUPDUP", "SUPDUP OUTPUT", "SEND LOCATION", "TERMINAL TYPE", "END OF RECORD", "TACACS UID",
        "OUTPUT MARKING", "TTYLOC", "3270 REGIME", "X.3 PAD", "NAWS", "TSPEED", "LFLOW", "LINEMODE", "XDISPLOC",
        "OLD-ENVIRON", "AUTHENTICATION", "ENCRYPT", "NEW-ENVIRON",
    ];

    private static readonly string?[] Qualifiers = ["IS", "SEND", "INFO"];
    private static readonly string?[] AuthCommands = ["IS", "SEND", "REPLY", "NAME"];
    private static readonly string?[] AuthTypes =
    [
        "NULL", "KERBEROS_V4", "KERBEROS_V5", "SPX", "MINK", "SRP", "RSA", "SSL", null, null, "LOKI", "SSA", "KEA_SJ",
        "KEA_SJ_INTEG", "DSS", "NTLM",
    ];
    private static readonly string?[] EncCommands =
        ["IS", "SUPPORT", "REPLY", "START", "END", "REQUEST-START", "REQUEST-END", "END_KEYID", "DEC_KEYID"];
    private static readonly string?[] EncTypes =
    [
        "NULL", "DES_CFB64", "DES_OFB64", "DES3_CFB64", "DES3_OFB64", null, "CAST5_40_CFB64", "CAST5_40_OFB64",
        "CAST128_CFB64", "CAST128_OFB64",
    ];

    /// <summary>C's "%#x": 0 alone, else 0x and the hex digits.</summary>
    private static string AltHex(int x) => x == 0 ? "0" : $"0x{x:x}";

    private static string NameOrNumber(string?[] table, int x) => x < table.Length && table[x] is { } s ? s : AltHex(x);

    public static void Print(PrintContext nd, int sp, int length)
    {
        nd.Proto = "telnet";
        bool first = true;
        bool hex = nd.Settings.HexAscii > 0 && nd.Verbose > 2;
        int start = sp;
        uint len = (uint)length;
        while (len > 0 && nd.U8(sp) == Iac)
        {
            // a first pass measures the command, the second prints it
            int l = Parse(nd, sp, len, false);
            if (l < 0) break;
            if (hex)
            {
                if (first) nd.Print("\nTelnet:");
                HexWithOffset(nd, sp, l, sp - start);
                if (l > 8) nd.Print("\n\t\t\t\t");
                else
                {
                    nd.Out.Put(new string(' ', (8 - l) * 3));
                    nd.Print('\t');
                }
            }
            else nd.Print(first ? " [telnet " : ", ");
            Parse(nd, sp, len, true);
            first = false;
            sp += l;
            len -= (uint)l; // as tcpdump's unsigned count: a subnegotiation measured past the end wraps it
        }
        if (!first) nd.Print(hex ? "\n" : "]");
    }

    /// <summary>The command at sp (an IAC): its length in bytes, or -1 when it is not a complete command.</summary>
    private static int Parse(PrintContext nd, int sp, uint length, bool print)
    {
        int start = sp;
        int Fetch()
        {
            if (length < 1) return -1;
            int b = nd.U8(sp);
            sp++; length--;
            return b;
        }
        if (Fetch() != Iac) return -1;
        int c = Fetch();
        if (c < 0) return -1;
        if (c == Iac)
        {
            if (print) nd.Print("IAC IAC");
            return sp - start;
        }
        if (c < FirstCommand) return -1;
        string command = Commands[c - FirstCommand];
        if (c is < Sb or > 254)
        {
            if (print) nd.Print(command);
            return sp - start;
        }
        int x = Fetch();
        if (x < 0) return -1;
        if (print)
        {
            if (x < OptionNames.Length) nd.Print($"{command} {OptionNames[x]}");
            else nd.Print($"{command} {AltHex(x)}");
        }
        if (c != Sb) return sp - start;
        // the subnegotiation runs to IAC SE, or to the end of the data
        int p = sp;
        while (length > (uint)(p + 1 - sp))
        {
            if (nd.U8(p) == Iac && nd.U8(p + 1) == Se) break;
            p++;
        }
        if (nd.U8(p) != Iac) return -1;
        (string?[] Cmd, string?[]? Type) names = x switch
        {
            37 => (AuthCommands, AuthTypes),
            38 => (EncCommands, EncTypes),
            _ => (Qualifiers, null),
        };
        if (p > sp)
        {
            int q = Fetch();
            if (q < 0) return -1;
            if (print) nd.Print($" {NameOrNumber(names.Cmd, q)}");
            if (names.Type != null && p > sp)
            {
                int t = Fetch();
                if (t < 0) return -1;
                if (print) nd.Print($" {NameOrNumber(names.Type, t)}");
            }
        }
        while (p > sp)
        {
            int b = Fetch();
            if (b < 0) return -1;
            if (print) nd.Print($" {AltHex(b)}");
        }
        if (print) nd.Print(" SE");
        sp += 2; // IAC SE, counted whether or not it is there
        return sp - start;
    }

    /// <summary>tcpdump's hex_print_with_offset with a newline as the indent: len bytes, offsets counted from offset.</summary>
    private static void HexWithOffset(PrintContext nd, int p, int len, int offset)
    {
        int avail = nd.Avail(p);
        bool truncated = len > avail;
        if (truncated) len = avail;
        int i = 0;
        for (; i + 1 < len; i += 2)
        {
            if (i % 16 == 0) { nd.Print($"\n0x{offset:x4}: "); offset += 16; }
            nd.Print($" {nd.U8(p + i):x2}{nd.U8(p + i + 1):x2}");
        }
        if ((len & 1) != 0)
        {
            if (i % 16 == 0) nd.Print($"\n0x{offset:x4}: ");
            nd.Print($" {nd.U8(p + i):x2}");
        }
        if (truncated) PrintContext.Trunc();
    }
}
