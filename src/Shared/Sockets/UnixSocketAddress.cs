using System.Text;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// The address of an AF_UNIX socket as systemd writes it in <c>NOTIFY_SOCKET</c>: a filesystem path
/// (<c>/run/systemd/notify</c>) or, with a leading <c>@</c>, a name in the abstract namespace.
/// Holds the encoded <c>struct sockaddr_un</c> and its exact length, ready for sendmsg's msg_name.
/// </summary>
internal sealed class UnixSocketAddress
{
    private readonly byte[] _sockaddr;

    private UnixSocketAddress(string text, byte[] sockaddr)
    {
        Text = text;
        _sockaddr = sockaddr;
    }

    /// <summary>The address as given (<c>/run/x.sock</c> or <c>@name</c>).</summary>
    public string Text { get; }

    /// <summary>The encoded sockaddr_un, exactly as long as the kernel must be told (socklen_t).</summary>
    internal ReadOnlySpan<byte> Sockaddr => _sockaddr;

    /// <summary>
    /// Encodes <paramref name="text"/>. An abstract name is not NUL-terminated (its length is the
    /// address length, as sd_notify sends it); a path is.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, relative, or longer than sun_path allows.</exception>
    public static UnixSocketAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        bool isAbstract = text.StartsWith('@');
        if (!isAbstract && !text.StartsWith('/'))
            throw new ArgumentException($"Unix socket address '{text}' is neither an absolute path nor an abstract name ('@name')", nameof(text));

        byte[] name = Encoding.UTF8.GetBytes(isAbstract ? text[1..] : text);
        // A path needs its terminating NUL inside sun_path; an abstract name needs its leading NUL.
        int length = name.Length + 1;
        if (isAbstract && name.Length == 0)
            throw new ArgumentException("Unix socket address '@' names nothing: an abstract name needs at least one character", nameof(text));
        if (length > UnixSockaddr.NameCapacity)
            throw new ArgumentException($"Unix socket address '{text}' is {name.Length} bytes; sun_path holds at most {UnixSockaddr.NameCapacity - 1}", nameof(text));

        return new UnixSocketAddress(text, UnixSockaddr.Encode(name, isAbstract));
    }

    public override string ToString() => Text;
}
