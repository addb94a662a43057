package dev.likes.core;

import dev.likes.core.internal.Args;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param items the items, in the listing's order; never null, unmodifiable
 * @param nextCursor the cursor to pass to {@link PageRequest#after(String, int)} for the next page, or {@code null}
 *     when this page is the last one
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

    /**
     * Copies the items into an unmodifiable list.
     *
     * @param items see the record component of that name
     * @param nextCursor see the record component of that name
     * @throws NullPointerException if {@code items} or one of them is null
     */
    public Page {
        items = List.copyOf(Args.notNull("items", items));
    }

    /**
     * Tells whether there may be more items after this page.
     *
     * @return {@code true} if {@link #nextCursor()} is not null
     */
    public boolean hasNext() {
        return nextCursor != null;
    }
}
