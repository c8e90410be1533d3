namespace FdHandoff.Tests.Infrastructure;

/// <summary>A parsed HTTP/1.1 response: status, whether the server closes the connection after it, body.</summary>
public sealed record HttpResponse(int Status, bool ConnectionClose, string Body);
