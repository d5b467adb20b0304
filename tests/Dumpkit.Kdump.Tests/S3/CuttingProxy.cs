// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;

namespace Dumpkit.Kdump.Tests.S3;

/// <summary>
/// A TCP proxy in front of the S3 server that passes <paramref name="cutAfter"/> bytes from the clients, then
/// closes every connection and stops listening: the network lost in the middle of an upload.
/// </summary>
internal sealed class CuttingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly long _cutAfter;
    private readonly int _upstreamPort;
    private long _sent;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public bool Cut { get; private set; }

    public CuttingProxy(int upstreamPort, long cutAfter)
    {
        _upstreamPort = upstreamPort;
        _cutAfter = cutAfter;
        _listener.Start();
        new Thread(Accept) { IsBackground = true }.Start();
    }

    private void Accept()
    {
        while (true)
        {
            Socket client;
            try { client = _listener.AcceptSocket(); }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (InvalidOperationException) { return; }
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { server.Connect(IPAddress.Loopback, _upstreamPort); }
            catch (SocketException) { client.Dispose(); server.Dispose(); continue; }
            lock (_sockets) { _sockets.Add(client); _sockets.Add(server); }
            new Thread(() => Pump(client, server, count: true)) { IsBackground = true }.Start();
            new Thread(() => Pump(server, client, count: false)) { IsBackground = true }.Start();
        }
    }

    private void Pump(Socket from, Socket to, bool count)
    {
        var buffer = new byte[1 << 16];
        try
        {
            while (true)
            {
                int n = from.Receive(buffer);
                if (n == 0) { to.Shutdown(SocketShutdown.Send); return; }
                if (count && Interlocked.Add(ref _sent, n) > _cutAfter)
                {
                    CutNow();
                    return;
                }
                to.Send(buffer, 0, n, SocketFlags.None);
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private void CutNow()
    {
        Cut = true;
        _listener.Stop();
        lock (_sockets)
            foreach (var s in _sockets)
            {
                try { s.LingerState = new LingerOption(true, 0); } catch (SocketException) { } catch (ObjectDisposedException) { }
                s.Dispose();
            }
    }

    public void Dispose() => CutNow();
}
