using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// One SEQPACKET datagram and the descriptors that rode on it. The descriptors belong to this
/// object until taken with <see cref="TakeDescriptors"/>; disposing closes the ones not taken.
/// </summary>
internal sealed class ReceivedDatagram : IDisposable
{
    private SafeFd[] _descriptors;

    internal ReceivedDatagram(byte[] data, SafeFd[] descriptors, bool truncated, bool controlTruncated)
    {
        Data = data;
        _descriptors = descriptors;
        Truncated = truncated;
        ControlTruncated = controlTruncated;
    }

    public byte[] Data { get; }

    /// <summary>The datagram was larger than the buffer (MSG_TRUNC): the rest is lost.</summary>
    public bool Truncated { get; }

    /// <summary>More descriptors were sent than fit (MSG_CTRUNC): the kernel closed the rest.</summary>
    public bool ControlTruncated { get; }

    public int DescriptorCount => _descriptors.Length;

    /// <summary>Takes ownership of the received descriptors; the caller must dispose them.</summary>
    public SafeFd[] TakeDescriptors()
    {
        var taken = _descriptors;
        _descriptors = [];
        return taken;
    }

    public void Dispose()
    {
        foreach (var fd in _descriptors) fd.Dispose();
        _descriptors = [];
    }
}
