// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>BSD syslog (UDP 514).</summary>
/// <remarks>Specification: RFC 3164.</remarks>
internal static class Syslog
{
    private static readonly string[] Fac =
    [
        "kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "security", "console", "cron", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    private static readonly string[] Sev = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"];

    public static void Print(PrintContext nd, int p, int len)
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
        if (nd.Verbose < 1)
        {
            nd.Print($"SYSLOG {fs}.{ss}, length: {len}");
            return;
        }
        nd.Print($"SYSLOG, length: {len}\n\tFacility {fs} ({facility}), Severity {ss} ({severity})\n\tMsg: ");
        if (len > off) for (int i = off; i < len; i++) Text.PrintChar(nd, nd.U8(p + i));
        if (nd.Verbose > 1) HexDump.UnknownData(nd, p, "\n\t", len);
    }
}
