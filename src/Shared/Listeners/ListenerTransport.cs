namespace FdHandoff.Listeners;

/// <summary>The stream transports a listener can use; both are SOCK_STREAM (one-to-one style for SCTP).</summary>
public enum ListenerTransport
{
    Tcp,
    Sctp,
}
