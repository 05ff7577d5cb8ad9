package dev.chatserver.store;

import java.lang.reflect.Type;
import java.sql.Types;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Binds Java booleans as 0/1 on PostgreSQL: flag columns ({@code named}, {@code private}, {@code is_admin},
 * {@code multiple}) are integers in both schemas, so {@code WHERE named = 1} stays portable; PostgreSQL would
 * refuse a boolean parameter for an integer column. Reading needs nothing: pgjdbc's {@code getBoolean} reads 0/1.
 */
final class IntegerBooleans implements ArgumentFactory.Preparable {
    private static final Argument NULL = (position, statement, ctx) -> statement.setNull(position, Types.INTEGER);
    private static final Argument ONE = (position, statement, ctx) -> statement.setInt(position, 1);
    private static final Argument ZERO = (position, statement, ctx) -> statement.setInt(position, 0);

    @Override
    public Optional<Function<Object, Argument>> prepare(Type type, ConfigRegistry config) {
        if (type != boolean.class && type != Boolean.class) {
            return Optional.empty();
        }
        return Optional.of(value -> value == null ? NULL : (Boolean) value ? ONE : ZERO);
    }

    @Override
    public Optional<Argument> build(Type type, Object value, ConfigRegistry config) {
        return prepare(type, config).map(f -> f.apply(value));
    }
}
