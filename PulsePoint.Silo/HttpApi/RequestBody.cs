using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;

namespace PulsePoint.Silo.HttpApi;

/// <summary>
/// Reads a request body whole, bounded by <see cref="HttpApiOptions.MaxRequestBodyBytes"/> both on the wire and after
/// <c>Content-Encoding: gzip</c> is undone (a small gzip body cannot expand past the limit). Over the limit: 413.
/// </summary>
public static class RequestBody
{
    /// <summary>The body, or the problem to answer instead.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpContext http, int maxBytes)
    {
        var tooLarge = Problems.Of(StatusCodes.Status413PayloadTooLarge, "Request body too large",
            $"The body may hold at most {maxBytes} bytes (PulsePoint:Http:MaxRequestBodyBytes); send fewer events per request.");
        if (http.Request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        var encoding = http.Request.Headers.ContentEncoding.ToString().Trim();
        Stream body = http.Request.Body;
        GZipStream? gzip = null;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = gzip = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported content encoding",
                $"Content-Encoding '{Shown(encoding)}' is not supported; send gzip or no encoding."));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 64 * 1024));
        try
        {
            {
                var length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (length > maxBytes)
                        {
                            return (null, tooLarge);
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes + 1) - length), http.RequestAborted);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        return (null, tooLarge);
                    }
                }

                return (buffer.AsSpan(0, length).ToArray(), null);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
        catch (InvalidDataException)
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "Malformed gzip body", "Content-Encoding says gzip, but the body is not valid gzip."));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (gzip is not null)
            {
                await gzip.DisposeAsync();
            }
        }
    }

    private static string Shown(string text) => new(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
