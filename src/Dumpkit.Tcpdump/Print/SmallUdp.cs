namespace Dumpkit.Tcpdump.Print;

/// <summary>HSRP v0 (UDP 1985).</summary>
internal static class Hsrp
{
    public static void Print(Nd nd, int bp, int len)
    {
        nd.Proto = "hsrp";
        int version = nd.U8(bp);
        nd.P($"HSRPv{version}");
        if (version != 0) return;
        nd.P("-");
        int op = nd.U8(bp + 1);
        nd.P(op switch { 0 => "hello", 1 => "coup", 2 => "resign", _ => $"unknown ({op})" });
        nd.P($" {len}: ");
        int st = nd.U8(bp + 2);
        nd.P($"state={st switch { 0 => "initial", 1 => "learn", 2 => "listen", 4 => "speak", 8 => "standby", 16 => "active", _ => $"Unknown ({st})" }} ");
        nd.P($"group={nd.U8(bp + 6)} ");
        if (nd.U8(bp + 7) != 0) nd.P($"[reserved={nd.U8(bp + 7)}!] ");
        nd.P($"addr={nd.A4(bp + 16)}");
        if (nd.V > 0)
        {
            nd.P(" hellotime="); Dns.RelTime(nd, nd.U8(bp + 3));
            nd.P(" holdtime="); Dns.RelTime(nd, nd.U8(bp + 4));
            nd.P($" priority={nd.U8(bp + 5)}");
            nd.P(" auth=\"");
            for (int i = 0; i < 8; i++)
            {
                byte c = nd.U8(bp + 8 + i);
                if (c == 0) break;
                Text.PrintChar(nd, c);
            }
            nd.P("\"");
        }
    }
}

/// <summary>TFTP (UDP 69).</summary>
internal static class Tftp
{
    private static int PrintZ(Nd nd, int s, int n)
    {
        int bytes = 0;
        while (true)
        {
            if (n == 0 || s >= nd.SnapEnd) return 0;
            byte c = nd.U8(s++);
            bytes++; n--;
            if (c == 0) return bytes;
            Text.PrintChar(nd, c);
        }
    }

    public static void Print(Nd nd, int bp, int length)
    {
        nd.Proto = "tftp";
        nd.P($"TFTP, length {length}");
        if (length < 2) goto trunc;
        int op = nd.Be16(bp);
        string? name = op switch { 1 => "RRQ", 2 => "WRQ", 3 => "DATA", 4 => "ACK", 5 => "ERROR", 6 => "OACK", _ => null };
        nd.P($", {name ?? $"tftp-#{op}"}");
        if (name == null) return;
        bp += 2; length -= 2;
        int ui;
        switch (op)
        {
            case 1:
            case 2:
                if (length == 0) goto trunc;
                nd.P(" \"");
                ui = PrintZ(nd, bp, length);
                nd.P("\"");
                if (ui == 0) goto trunc;
                bp += ui; length -= ui;
                if (length == 0) goto trunc;
                nd.P(' ');
                ui = PrintZ(nd, bp, length);
                if (ui == 0) goto trunc;
                bp += ui; length -= ui;
                while (length != 0)
                {
                    if (nd.U8(bp) != 0) nd.P(' ');
                    ui = PrintZ(nd, bp, length);
                    if (ui == 0) goto trunc;
                    bp += ui; length -= ui;
                }
                break;
            case 6:
                while (length != 0)
                {
                    if (nd.U8(bp) != 0) nd.P(' ');
                    ui = PrintZ(nd, bp, length);
                    if (ui == 0) goto trunc;
                    bp += ui; length -= ui;
                }
                break;
            case 3:
            case 4:
                if (length < 2) goto trunc;
                nd.P($" block {nd.Be16(bp)}");
                break;
            case 5:
            {
                if (length < 2) goto trunc;
                int e = nd.Be16(bp);
                nd.P(' ');
                nd.P(e switch
                {
                    0 => "EUNDEF", 1 => "ENOTFOUND", 2 => "EACCESS", 3 => "ENOSPACE", 4 => "EBADOP", 5 => "EBADID",
                    6 => "EEXISTS", 7 => "ENOUSER", _ => $"tftp-err-#{e} \"",
                });
                bp += 2; length -= 2;
                if (length == 0) goto trunc;
                nd.P(" \"");
                ui = PrintZ(nd, bp, length);
                nd.P("\"");
                if (ui == 0) goto trunc;
                break;
            }
        }
        return;
    trunc:
        nd.PrintTrunc();
    }
}

/// <summary>BSD syslog (UDP 514).</summary>
internal static class Syslog
{
    private static readonly string[] Fac =
    [
        "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "security", "console", "cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    private static readonly string[] Sev = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"];

    public static void Print(Nd nd, int p, int len)
    {
        nd.Proto = "syslog";
        int off = 0, pri = 0;
        if (nd.U8(p) != '<') { nd.PrintInvalid(); return; }
        off++;
        while (off <= 3 && nd.U8(p + off) >= '0' && nd.U8(p + off) <= '9')
        {
            pri = pri * 10 + (nd.U8(p + off) - '0');
            off++;
        }
        if (nd.U8(p + off) != '>') { nd.PrintInvalid(); return; }
        off++;
        int facility = (pri & 0x3f8) >> 3, severity = pri & 7;
        string fs = facility < Fac.Length ? Fac[facility] : $"unknown ({facility})";
        string ss = Sev[severity];
        if (nd.V < 1)
        {
            nd.P($"SYSLOG {fs}.{ss}, length: {len}");
            return;
        }
        nd.P($"SYSLOG, length: {len}\n\tFacility {fs} ({facility}), Severity {ss} ({severity})\n\tMsg: ");
        if (len > off) for (int i = off; i < len; i++) Text.PrintChar(nd, nd.U8(p + i));
        if (nd.V > 1) Icmp.UnknownData(nd, p, "\n\t", len);
    }
}

/// <summary>VXLAN (UDP 4789) carrying Ethernet.</summary>
internal static class Vxlan
{
    public static void Print(Nd nd, int bp, int len)
    {
        nd.Proto = "vxlan";
        nd.P("VXLAN");
        if (len < 8) { nd.PrintInvalid(); return; }
        int flags = nd.U8(bp);
        nd.P($", flags [{((flags & 0x08) != 0 ? "I" : "invalid")}] (0x{flags:x2}), ");
        nd.P($"vni {nd.Be24(bp + 4)}\n");
        nd.Check(bp + 7, 1);
        Ether.Print(nd, bp + 8, len - 8, nd.Avail(bp + 8));
    }
}

/// <summary>Geneve (UDP 6081).</summary>
internal static class Geneve
{
    private static string OptClass(int c) => c switch
    {
        0x0100 => "Linux", 0x0101 => "Open vSwitch", 0x0102 => "Open Virtual Networking (OVN)",
        0x0103 => "In-band Network Telemetry (INT)", 0x0104 => "VMware",
        <= 0x00ff => "Standard", >= 0xfff0 => "Experimental", _ => "Unknown",
    };

    public static void Print(Nd nd, int bp, int len)
    {
        nd.Proto = "geneve";
        nd.P("Geneve");
        if (len < 8) { nd.P($" [length {len} < 8]"); nd.PrintInvalid(); return; }
        if (!nd.TTest(bp, 8)) { nd.PrintTrunc(); return; }
        int vo = nd.U8(bp);
        int version = vo >> 6;
        if (version != 0) { nd.P($" ERROR: unknown-version {version}"); return; }
        int flags = nd.U8(bp + 1), prot = nd.Be16(bp + 2);
        uint vni = nd.Be24(bp + 4);
        int rsv = nd.U8(bp + 7);
        bp += 8; len -= 8;
        nd.P(", Flags [");
        if (flags == 0) nd.P("none");
        else
        {
            if ((flags & 0x80) != 0) nd.P("O");
            if ((flags & 0x40) != 0) nd.P("C");
            for (int i = 1; i <= 6; i++) if ((flags & (1 << (6 - i))) != 0) nd.P($"R{i}");
        }
        nd.P($"], vni 0x{vni:x}");
        if (rsv != 0) nd.P($", rsvd 0x{rsv:x}");
        if (nd.S.LinkHeader) nd.P($", proto {Ether.TypeName(prot) ?? "unknown"} (0x{prot:x4})");
        int optsLen = (vo & 0x3f) * 4;
        if (len < optsLen) { nd.P($" truncated-geneve - {optsLen - len} bytes missing"); return; }
        if (!nd.TTest(bp, optsLen)) { nd.PrintTrunc(); return; }
        if (optsLen > 0)
        {
            nd.P(", options [");
            if (nd.V > 0) Options(nd, bp, optsLen);
            else nd.P($"{optsLen} bytes");
            nd.P("]");
        }
        bp += optsLen; len -= optsLen;
        nd.P(nd.V < 1 ? ": " : "\n\t");
        if (!Ether.EtherType(nd, prot, bp, len, nd.Avail(bp)))
        {
            if (prot == 0x6558) Ether.Print(nd, bp, len, nd.Avail(bp));
            else nd.P($"geneve-proto-0x{prot:x}");
        }
    }

    private static void Options(Nd nd, int bp, int len)
    {
        string sep = "";
        while (len > 0)
        {
            nd.P(sep);
            sep = ", ";
            int cls = nd.Be16(bp), type = nd.U8(bp + 2);
            int olen = 4 + (nd.U8(bp + 3) & 0x1f) * 4;
            nd.P($"class {OptClass(cls)} (0x{cls:x}) type 0x{type:x}{((type & 0x80) != 0 ? "(C)" : "")} len {olen}");
            if (olen > len) { nd.P(" [bad length]"); return; }
            if (nd.V > 1 && olen > 4)
            {
                nd.P(" data");
                for (int i = 4; i < olen; i += 4) nd.P($" {nd.Be32(bp + i):x8}");
            }
            bp += olen; len -= olen;
        }
    }
}

/// <summary>SOME/IP (UDP 30490).</summary>
internal static class SomeIp
{
    public static void Print(Nd nd, int bp, int len)
    {
        nd.Proto = "someip";
        nd.P("SOMEIP");
        if (len < 16) { nd.PrintInvalid(); return; }
        uint mid = nd.Be32(bp);
        nd.P($", service {mid >> 16}, {((mid & 0x8000) != 0 ? "event" : "method")} {mid & 0x7fff}");
        nd.P($", len {nd.Be32(bp + 4)}");
        uint rid = nd.Be32(bp + 8);
        nd.P($", client {rid >> 16}, session {rid & 0xffff}");
        nd.P($", pver {nd.U8(bp + 12)}");
        nd.P($", iver {nd.U8(bp + 13)}");
        int mt = nd.U8(bp + 14);
        nd.P(", msgtype ");
        nd.P(mt switch
        {
            0x00 => "REQUEST", 0x01 => "REQUEST_NO_RETURN", 0x02 => "NOTIFICATION", 0x80 => "RESPONSE", 0x81 => "ERROR",
            0x20 => "TP_REQUEST", 0x21 => "TP_REQUEST_NO_RETURN", 0x22 => "TP_NOTIFICATION", 0xa0 => "TP_RESPONSE",
            0xa1 => "TP_ERROR", _ => "Unknown",
        });
        int rc = nd.U8(bp + 15);
        nd.P(", retcode ");
        nd.P(rc switch
        {
            0x00 => "E_OK", 0x01 => "E_NOT_OK", 0x02 => "E_UNKNOWN_SERVICE", 0x03 => "E_UNKNOWN_METHOD", 0x04 => "E_NOT_READY",
            0x05 => "E_NOT_REACHABLE", 0x06 => "E_TIMEOUT", 0x07 => "E_WRONG_PROTOCOL_VERSION",
            0x08 => "E_WRONG_INTERFACE_VERSION", 0x09 => "E_MALFORMED_MESSAGE", 0x0a => "E_WRONG_MESSAGE_TYPE",
            0x0b => "E_E2E_REPEATED", 0x0c => "E_E2E_WRONG_SEQUENCE", 0x0d => "E_E2E", 0x0e => "E_E2E_NOT_AVAILABLE",
            0x0f => "E_E2E_NO_NEW_DATA", _ => "Unknown",
        });
        nd.P("\n");
    }
}
