namespace FdHandoff.Sockets;

/// <summary>
/// One datagram received on a SO_PASSCRED socket: its length in the caller's buffer and the sender as the
/// kernel checked it (SCM_CREDENTIALS). <see cref="Sender"/> is null when no credentials came with it.
/// </summary>
internal readonly record struct CredentialDatagram(int Length, PeerCredentials? Sender, bool Truncated, int DescriptorsClosed);
