package dev.chatserver.store;

import java.lang.reflect.Type;
import java.sql.Types;
import java.util.Optional;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.ArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Binds Java booleans as 0/1 on PostgreSQL: flag columns ({@code named}, {@code private}, {@code is_admin},
 * {@code multiple}) are integers in both schemas, so {@code WHERE named = 1} stays portable; PostgreSQL would
 * refuse a boolean parameter for an integer column. Reading needs nothing: pgjdbc's {@code getBoolean} reads 0/1.
 */
final class IntegerBooleans implements ArgumentFactory {
    @Override
    public Optional<Argument> build(Type type, Object value, ConfigRegistry config) {
        if (type != boolean.class && type != Boolean.class) {
            return Optional.empty();
        }
        if (value == null) {
            return Optional.of((position, statement, ctx) -> statement.setNull(position, Types.INTEGER));
        }
        int v = (Boolean) value ? 1 : 0;
        return Optional.of((position, statement, ctx) -> statement.setInt(position, v));
    }
}
