// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>SOME/IP (UDP 30490).</summary>
/// <remarks>Specification: AUTOSAR's SOME/IP Protocol Specification.</remarks>
internal static class SomeIp
{
    public static void Print(PrintContext nd, int bp, int len)
    {
        nd.Proto = "someip";
        nd.Print("SOMEIP");
        if (len < 16) { nd.PrintInvalid(); return; }
        uint mid = nd.Be32(bp);
        nd.Print($", service {mid >> 16}, {((mid & 0x8000) != 0 ? "event" : "method")} {mid & 0x7fff}");
        nd.Print($", len {nd.Be32(bp + 4)}");
        uint rid = nd.Be32(bp + 8);
        nd.Print($", client {rid >> 16}, session {rid & 0xffff}");
        nd.Print($", pver {nd.U8(bp + 12)}");
        nd.Print($", iver {nd.U8(bp + 13)}");
        int mt = nd.U8(bp + 14);
        nd.Print(", msgtype ");
        nd.Print(mt switch
        {
            0x00 => "REQUEST", 0x01 => "REQUEST_NO_RETURN", 0x02 => "NOTIFICATION", 0x80 => "RESPONSE", 0x81 => "ERROR",
            0x20 => "TP_REQUEST", 0x21 => "TP_REQUEST_NO_RETURN", 0x22 => "TP_NOTIFICATION", 0xa0 => "TP_RESPONSE",
            0xa1 => "TP_ERROR", _ => "Unknown",
        });
        int rc = nd.U8(bp + 15);
        nd.Print(", retcode ");
        nd.Print(rc switch
        {
            0x00 => "E_OK", 0x01 => "E_NOT_OK", 0x02 => "E_UNKNOWN_SERVICE", 0x03 => "E_UNKNOWN_METHOD", 0x04 => "E_NOT_READY",
            0x05 => "E_NOT_REACHABLE", 0x06 => "E_TIMEOUT", 0x07 => "E_WRONG_PROTOCOL_VERSION",
            0x08 => "E_WRONG_INTERFACE_VERSION", 0x09 => "E_MALFORMED_MESSAGE", 0x0a => "E_WRONG_MESSAGE_TYPE",
            0x0b => "E_E2E_REPEATED", 0x0c => "E_E2E_WRONG_SEQUENCE", 0x0d => "E_E2E", 0x0e => "E_E2E_NOT_AVAILABLE",
            0x0f => "E_E2E_NO_NEW_DATA", _ => "Unknown",
        });
        nd.Print("\n");
    }
}
