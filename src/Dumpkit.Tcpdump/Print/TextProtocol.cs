// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Line-oriented text protocols (HTTP, FTP, SMTP, RTSP, WHOIS): the first line, or every line with -v.</summary>
/// <remarks>Specification: RFC 9112 (HTTP/1.1), RFC 959 (FTP), RFC 5321 (SMTP), RFC 2326 (RTSP), RFC 3912 (WHOIS).</remarks>
internal static class TextProtocol
{
    public static readonly string[] HttpCmds =
    [
        "GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY", "BMOVE", "MKCOL", "TRACE", "LABEL", "MERGE",
        "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE", "NOTIFY", "BDELETE", "CONNECT", "OPTIONS", "CHECKIN", "PROPFIND",
        "CHECKOUT", "CCM_POST", "SUBSCRIBE", "PROPPATCH", "BPROPFIND", "BPROPPATCH", "UNCHECKOUT", "MKACTIVITY",
        "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL",
    ];

    public static readonly string[] RtspCmds =
    [
        "DESCRIBE", "ANNOUNCE", "GET_PARAMETER", "OPTIONS", "PAUSE", "PLAY", "RECORD", "REDIRECT", "SETUP",
        "SET_PARAMETER", "TEARDOWN",
    ];

    /// <summary>Reads a token at idx; returns the index after following blanks, or 0 when none.</summary>
    private static int FetchToken(PrintContext nd, int p, int idx, int len, Span<byte> tok, out int toklen)
    {
        toklen = 0;
        for (; idx < len; idx++)
        {
            if (!nd.TTest(p + idx, 1)) return 0;
            byte c = nd.Buf[p + idx];
            if (c >= 0x80) return 0;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
            if (!Text.IsPrint(c)) return 0;
            if (toklen + 2 > tok.Length) return 0;
            tok[toklen++] = c;
        }
        if (toklen == 0) return 0;
        for (; idx < len; idx++)
        {
            if (!nd.TTest(p + idx, 1)) break;
            byte c = nd.Buf[p + idx];
            if (c == '\r' || c == '\n') break;
            if (!Text.IsPrint(c)) break;
            if (c != ' ' && c != '\t') break;
        }
        return idx;
    }

    private static int PrintLine(PrintContext nd, string prefix, int p, int idx, int len)
    {
        int start = idx;
        int linelen;
        while (idx < len)
        {
            byte c = nd.U8(p + idx);
            if (c == '\n') { linelen = idx - start; idx++; goto print; }
            if (c == '\r')
            {
                if (idx + 1 >= len) return 0;
                if (nd.U8(p + idx + 1) == '\n') { linelen = idx - start; idx += 2; goto print; }
                return 0;
            }
            if (!Text.IsPrint(c) && c != '\t') return 0;
            idx++;
        }
        linelen = idx - start;
        nd.Print(prefix);
        for (int i = 0; i < linelen; i++) nd.Out.PutByte(nd.Buf[p + start + i]);
        nd.PrintTrunc();
        return 0;
    print:
        nd.Print(prefix);
        for (int i = 0; i < linelen; i++) nd.Out.PutByte(nd.Buf[p + start + i]);
        return idx;
    }

    /// <summary>tcpdump's txtproto_print: the protocol's name, then its line(s) when the first token is one of cmds or a 3-digit reply code.</summary>
    public static void Print(PrintContext nd, int p, int len, string proto, string[]? cmds, bool respSecondToken)
    {
        nd.Proto = proto;
        bool printThis = false;
        if (cmds != null)
        {
            Span<byte> tok = stackalloc byte[129];
            int idx = FetchToken(nd, p, 0, len, tok, out int tl);
            if (idx != 0)
            {
                foreach (var c in cmds)
                {
                    if (c.Length == tl)
                    {
                        bool eq = true;
                        for (int i = 0; i < tl; i++)
                            if (char.ToUpperInvariant((char)tok[i]) != c[i]) { eq = false; break; }
                        if (eq) { printThis = true; break; }
                    }
                }
                if (respSecondToken) idx = FetchToken(nd, p, idx, len, tok, out tl);
                if (idx != 0)
                {
                    if (tl == 3 && char.IsAsciiDigit((char)tok[0]) && char.IsAsciiDigit((char)tok[1]) && char.IsAsciiDigit((char)tok[2]))
                        printThis = true;
                }
            }
        }
        else
        {
            Span<byte> tok = stackalloc byte[129];
            if (respSecondToken && FetchToken(nd, p, 0, len, tok, out int tl) != 0
                && !(tl == 3 && char.IsAsciiDigit((char)tok[0]) && char.IsAsciiDigit((char)tok[1]) && char.IsAsciiDigit((char)tok[2])))
                printThis = true;
            printThis = true;
        }
        nd.Print(proto.ToUpperInvariant());
        if (printThis)
        {
            if (nd.Verbose > 0)
            {
                nd.Print($", length: {len}");
                for (int idx = 0; idx < len;)
                {
                    int eol = PrintLine(nd, "\n\t", p, idx, len);
                    if (eol == 0) break;
                    idx = eol;
                }
            }
            else PrintLine(nd, ": ", p, 0, len);
        }
    }
}
