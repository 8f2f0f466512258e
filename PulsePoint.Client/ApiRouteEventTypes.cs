using System.Text;

namespace PulsePoint.Client;

/// <summary>
/// Names API routes as event types. The event schema has no route column, and the analytics group API
/// latency by the event type of <c>api.lifecycle</c> events, so the route template becomes the event type:
/// <c>GET /brands/{brandId:guid}/answer</c> → <c>api.get.brands.by_brand_id.answer</c>. Templates, not raw
/// paths: one event type per route whatever ids the path carries.
/// </summary>
public static class ApiRouteEventTypes
{
    /// <summary>The last segment of requests no route matched (e.g. a 404): raw paths are never used.</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The segment of the root route <c>/</c>.</summary>
    public const string Root = "root";

    private const int MaxLength = 100;

    /// <summary>
    /// The event type of <paramref name="method"/> on <paramref name="routeTemplate"/>: <c>api.</c>, the method
    /// in lower case, then one dotted segment per template segment — literals in lower case with other
    /// characters as <c>_</c> (a leading digit gets <c>n</c>), parameters as <c>by_</c> + their name in snake
    /// case (constraints and defaults dropped). A name longer than 100 characters is cut and ends with a hash
    /// of the whole, so it stays unique. Null template: <c>api.&lt;method&gt;.unmatched</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="method"/> is empty.</exception>
    public static string Of(string method, string? routeTemplate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        var name = new StringBuilder("api.").Append(Word(method, "other"));
        if (routeTemplate is null)
        {
            name.Append('.').Append(Unmatched);
        }
        else
        {
            var segments = routeTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Segment).Where(s => s.Length > 0).ToList();
            foreach (var segment in segments.Count == 0 ? [Root] : segments)
            {
                name.Append('.').Append(segment);
            }
        }

        var text = name.ToString();
        return text.Length <= MaxLength ? text : Shorten(text);
    }

    private static string Segment(string segment)
    {
        if (segment.StartsWith('{') && segment.EndsWith('}') && segment.IndexOf('}') == segment.Length - 1)
        {
            var parameter = segment[1..^1].TrimStart('*');
            var end = parameter.IndexOfAny([':', '=', '?']);
            var word = Word(Snake(end < 0 ? parameter : parameter[..end]), "");
            return word.Length == 0 ? "by_parameter" : "by_" + word;
        }

        // A complex segment such as "{file}.{ext}" keeps its parameter names.
        return Word(segment.Replace("{", "").Replace("}", ""), "");
    }

    /// <summary>Lower case, a-z0-9 and single underscores, starting with a letter (or empty).</summary>
    private static string Word(string text, string fallback)
    {
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                word.Append(c);
            }
            else if (word.Length > 0 && word[^1] != '_')
            {
                word.Append('_');
            }
        }

        var result = word.ToString().Trim('_');
        if (result.Length > 0 && char.IsAsciiDigit(result[0]))
        {
            result = "n" + result;
        }

        return result.Length == 0 ? fallback : result;
    }

    private static string Snake(string camel)
    {
        var snake = new StringBuilder();
        for (var i = 0; i < camel.Length; i++)
        {
            if (char.IsAsciiLetterUpper(camel[i]) && i > 0 && !char.IsAsciiLetterUpper(camel[i - 1]))
            {
                snake.Append('_');
            }

            snake.Append(camel[i]);
        }

        return snake.ToString();
    }

    private static string Shorten(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return text[..(MaxLength - 9)].TrimEnd('.', '_') + "_" + hash.ToString("x8");
    }
}
